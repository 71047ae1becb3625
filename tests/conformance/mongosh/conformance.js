// mongopeer through MongoDB's own shell, mongosh (npm package "mongosh", pinned by
// package-lock.json, installed here by scripts/test-clients): shellchecks.js on a standalone
// peer, a replica set and a replica set with a user (SCRAM-SHA-256 and SCRAM-SHA-1), then the
// shell's answers to a wrong password and to a write without logging in.
//   node conformance.js PATH/TO/mongopeer
// Exits 0 when every check holds, 1 otherwise, 77 when mongosh is not installed.
'use strict';

const { startPeer: startPeerAt, Tally } = require('../mongopeerrun');

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const shell = path.join(__dirname, 'node_modules', '.bin', 'mongosh');
if (!fs.existsSync(shell)) {
  console.log('SKIP: tests/conformance/mongosh/node_modules is absent: run scripts/test-clients');
  process.exit(77);
}
const peerPath = process.argv[2];
if (!peerPath) {
  console.error('usage: node conformance.js PATH/TO/mongopeer');
  process.exit(2);
}
const tally = new Tally();
const check = tally.check.bind(tally);
const startPeer = (args) => startPeerAt(peerPath, args);
const PASSWORD = 'shell-Passw0rd';
// mongosh run to its end (60 s at most, so a peer that stops answering fails, never hangs).
function mongosh(uri, args, env) {
  const run = spawnSync(shell, [uri, '--quiet', '--norc', ...args], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, ...env, MONGOSH_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' },
  });
  return { status: run.status, out: (run.stdout || '') + (run.stderr || '') };
}

// shellchecks.js's own PASS/FAIL lines count as checks here.
function shellChecks(uri, mode) {
  const run = mongosh(uri, ['--file', path.join(__dirname, 'shellchecks.js')],
                      { SHELLCHECK_MODE: mode });
  let lines = 0;
  for (const line of run.out.split('\n')) {
    const m = /^(PASS|FAIL)  (.*)$/.exec(line);
    if (!m) continue;
    ++lines;
    check(m[1] === 'PASS', m[2]);
  }
  check(lines > 0 && run.status === 0, `[${mode}] mongosh ran the checks and exited 0`,
        `exit ${run.status}: ${run.out.slice(-2000)}`);
}

async function main() {
  const peers = [];
  try {
    const standalone = await startPeer([]);
    peers.push(standalone);
    shellChecks(`mongodb://127.0.0.1:${standalone.port}/?directConnection=true`, 'standalone');
    const replica = await startPeer(['--replica-set', 'rs0']);
    peers.push(replica);
    shellChecks(`mongodb://127.0.0.1:${replica.port}/?directConnection=true`, 'replica');

    const secured = await startPeer(['--replica-set', 'rs0', '--user', `syncscope:${PASSWORD}`]);
    peers.push(secured);
    const base = `127.0.0.1:${secured.port}/?directConnection=true&authSource=admin`;
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1'])
      shellChecks(`mongodb://syncscope:${PASSWORD}@${base}&authMechanism=${mechanism}`,
                  'secured');
    const wrong = mongosh(`mongodb://syncscope:wrong@${base}`, ['--eval', 'db.version()']);
    check(wrong.status !== 0 && /Authentication failed/.test(wrong.out),
          'a wrong password: mongosh says "Authentication failed" and exits non-zero',
          `exit ${wrong.status}: ${wrong.out.slice(-500)}`);
    const anonymous = mongosh(`mongodb://127.0.0.1:${secured.port}/?directConnection=true`,
                              ['--eval', 'db.getSiblingDB("conformance").x.insertOne({a: 1})']);
    check(anonymous.status !== 0 && /requires authentication/.test(anonymous.out),
          'a write without logging in is refused (13 Unauthorized)',
          `exit ${anonymous.status}: ${anonymous.out.slice(-500)}`);
    const login = mongosh(`mongodb://127.0.0.1:${secured.port}/?directConnection=true`,
                          ['--eval', `db.getSiblingDB("admin").auth("syncscope", "${PASSWORD}");` +
                                         ' print(db.getSiblingDB("conformance").x.insertOne(' +
                                         '{a: 1}).acknowledged)']);
    check(login.status === 0 && /true/.test(login.out),
          "db.auth() in the shell logs in, and the write goes through",
          `exit ${login.status}: ${login.out.slice(-500)}`);
  } catch (e) {
    check(false, 'unexpected', e && e.stack ? e.stack : e);
  }
  tally.finish(peers);
}

main();
