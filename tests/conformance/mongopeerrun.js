// What the MongoDB conformance checks share (tests/conformance/mongo with the Node.js driver,
// tests/conformance/mongosh with MongoDB's shell): starting mongopeer, and a tally of PASS/FAIL
// lines that decides the exit status.
'use strict';

const { spawn } = require('child_process');

// Starts the peer at `peerPath` on a free port; resolves with {port, child} once it prints
// "PORT n". It ends with our stdin.
function startPeer(peerPath, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(peerPath, ['--port', '0', '--exit-with-stdin', ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error('mongopeer exited with ' + code)));
  });
}

// One line per check; finish() stops the peers and exits 1 if any failed.
class Tally {
  constructor() {
    this.checks = 0;
    this.failures = 0;
  }

  check(condition, what, detail) {
    ++this.checks;
    if (condition) {
      console.log('PASS  ' + what);
    } else {
      ++this.failures;
      console.log('FAIL  ' + what + (detail === undefined ? '' : ': ' + detail));
    }
  }

  finish(peers) {
    for (const p of peers) {
      p.child.removeAllListeners('exit');
      p.child.kill('SIGTERM');
    }
    console.log(`${this.checks - this.failures} of ${this.checks} checks hold` +
                (this.failures ? `, ${this.failures} failed` : ''));
    process.exit(this.failures ? 1 : 0);
  }
}

module.exports = { startPeer, Tally };
