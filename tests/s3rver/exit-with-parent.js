// Preloaded into s3rver by tests/Assets.Storage.Tests/S3/S3ServerFixture.cs (node --require).
// The fixture holds s3rver's stdin open; when the test process dies without stopping the server
// (a crash, a kill -9, a cancelled run), the pipe closes and s3rver exits with it, removing its
// temporary data folder (the --directory argument).
'use strict';

const fs = require('fs');

function exit() {
  const at = process.argv.indexOf('--directory');
  if (at > 0 && process.argv[at + 1]) {
    try {
      fs.rmSync(process.argv[at + 1], { recursive: true, force: true });
    } catch {
      // best effort: it is a temporary folder
    }
  }
  process.exit(0);
}

process.stdin.on('end', exit);
process.stdin.on('close', exit);
process.stdin.on('error', exit);
process.stdin.resume();
