// The lineage graph: laid out in the browser by the vendored dagre, drawn as SVG. Layouts are cached per graph shape in
// sessionStorage, so coming back to the page (or a status change) does not lay out again.
(function () {
  "use strict";
  var host = document.getElementById("lineage");
  var svg = document.getElementById("lineage-svg");
  var note = document.getElementById("lineage-note");
  var NS = "http://www.w3.org/2000/svg";
  var W = 190, H = 54;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function layout(data) {
    var shape = data.nodes.map(function (n) { return n.key; }).join(",") + "|" + data.edges.map(function (e) { return e.from + ">" + e.to; }).join(",");
    var cached = null;
    try { cached = JSON.parse(sessionStorage.getItem("assets-lineage:" + shape)); } catch (e) { cached = null; }
    if (cached) { return cached; }
    var g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 70, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(function () { return {}; });
    data.nodes.forEach(function (n) { g.setNode(n.key, { width: W, height: H }); });
    data.edges.forEach(function (e) { g.setEdge(e.from, e.to); });
    dagre.layout(g);
    var result = { width: g.graph().width, height: g.graph().height, nodes: {}, edges: [] };
    g.nodes().forEach(function (k) { var n = g.node(k); result.nodes[k] = { x: n.x, y: n.y }; });
    g.edges().forEach(function (e) { result.edges.push({ from: e.v, to: e.w, points: g.edge(e).points }); });
    try { sessionStorage.setItem("assets-lineage:" + shape, JSON.stringify(result)); } catch (e) { /* full: lay out next time */ }
    return result;
  }

  function draw(data) {
    var placed = layout(data);
    svg.replaceChildren();
    svg.setAttribute("viewBox", "0 0 " + Math.max(placed.width, 200) + " " + Math.max(placed.height, 80));
    svg.setAttribute("width", Math.max(placed.width, 200));
    svg.setAttribute("height", Math.max(placed.height, 80));
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#667" }, marker);
    var staleness = {};
    data.edges.forEach(function (e) { staleness[e.from + ">" + e.to] = e.stale; });
    placed.edges.forEach(function (e) {
      var d = e.points.map(function (p, i) { return (i === 0 ? "M" : "L") + p.x + " " + p.y; }).join(" ");
      var stale = staleness[e.from + ">" + e.to];
      var path = el("path", { d: d, "class": "edge" + (stale ? " stale" : ""), "marker-end": "url(#arrow)", "data-from": e.from, "data-to": e.to }, svg);
      el("title", {}, path).textContent = e.from + " → " + e.to + (stale ? " (stale: a partition downstream read an older version)" : "");
    });
    data.nodes.forEach(function (n) {
      var p = placed.nodes[n.key];
      var a = el("a", { href: "/ui/asset?key=" + encodeURIComponent(n.key), "class": "node s-" + n.status, "data-asset": n.key, "data-status": n.status }, svg);
      el("rect", { x: p.x - W / 2, y: p.y - H / 2, width: W, height: H, rx: 6 }, a);
      var name = el("text", { x: p.x, y: p.y - 6, "text-anchor": "middle", "class": "name" }, a);
      name.textContent = n.key.length > 26 ? n.key.slice(0, 25) + "…" : n.key;
      var counts = Object.keys(n.counts).map(function (k) { return n.counts[k] + " " + k; }).join(", ");
      var sub = el("text", { x: p.x, y: p.y + 14, "text-anchor": "middle", "class": "counts" }, a);
      sub.textContent = counts.length > 32 ? counts.slice(0, 31) + "…" : counts;
      el("title", {}, a).textContent = n.key + " (" + n.group + "): " + counts;
    });
    note.textContent = data.shown < data.total
      ? "Showing " + data.shown + " of " + data.total + " assets: narrow the selection (group:NAME, +asset+) to see the rest."
      : data.total + " assets, " + data.edges.length + " edges. Dashed: stale edges. Click an asset to open it.";
  }

  // The graph as last drawn: a change elsewhere (a run's event, another asset's check) reports "assets-changed" too, and
  // drawing the same graph again would replace the nodes under a click that is on its way (losing it) for nothing.
  var drawn = null;

  function load() {
    fetch(host.dataset.source, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.text().then(function (text) { return { ok: r.ok, text: text }; }); })
      .then(function (r) {
        if (r.ok && r.text === drawn) { return; }
        var body = JSON.parse(r.text);
        if (r.ok) { draw(body); drawn = r.text; } else { note.textContent = body.error; note.className = "error"; }
      });
  }

  load();
  document.body.addEventListener("assets-changed", load);
})();
