// Live updates: the daemon's server-sent events (GET /ui/events) say when something changed; every live region of the
// page (hx-trigger="assets-changed from:body") then fetches itself again through htmx. No polling per region.
(function () {
  "use strict";
  var indicator = document.getElementById("live");
  function connect() {
    var source = new EventSource("/ui/events");
    source.onopen = function () { if (indicator) { indicator.classList.add("on"); indicator.title = "Live: updates as the daemon works"; } };
    source.onerror = function () { if (indicator) { indicator.classList.remove("on"); indicator.title = "Not connected to the daemon: reconnecting"; } };
    source.addEventListener("changed", function () { htmx.trigger(document.body, "assets-changed"); });
  }
  connect();
  // Errors come back as fragments with a 4xx/5xx status and a sentence saying what to fix: show them where the answer goes.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status >= 400 && e.detail.xhr.getResponseHeader("Content-Type") && e.detail.xhr.getResponseHeader("Content-Type").indexOf("text/html") === 0) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // A live region must not replace a drawer the user is reading with a fresh one mid-click: htmx swaps it whole, which is fine,
  // but keep the drawer open across the swap of the page around it.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { var d = document.getElementById("drawer"); if (d) { d.replaceChildren(); } }
  });
})();
