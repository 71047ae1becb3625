#!/usr/bin/env node
// The HiveServer2 test peer (tests/peers/hs2peer) checked by hive-driver, an npm client built
// from Hive's own TCLIService IDL that nobody here wrote: the statements HiveStore sends
// (backends/hivestore.cpp, hivestatements.cpp), in NOSASL and in SASL PLAIN with ACID tables,
// over TLS, over HTTP (with the session cookie the peer then insists on) and over HTTPS, with a
// throwaway CA made by the openssl command; and the reply shapes Hive documents: result metadata naming the declared column types, STRING
// values as strings (never numbers), BIGINT values as 64-bit integers, byte-order sorting,
// errors with Hive's SQLSTATE.
//   node conformance.js PATH/TO/hs2peer
// Exit status 0 when every check holds, 1 otherwise, 77 (skipped) when hive-driver is not
// installed (scripts/test-clients installs it).
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

let hive;
try {
  hive = require('hive-driver');
} catch (e) {
  console.log('conformance_hive: skipped, hive-driver is not installed in ' + __dirname +
              ' (run scripts/test-clients)');
  process.exit(77);
}
const { TCLIService, TCLIService_types: T } = hive.thrift;

const peerBinary = process.argv[2];
if (!peerBinary) {
  console.error('usage: node conformance.js PATH/TO/hs2peer');
  process.exit(2);
}

let failures = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures++;
}

// Starts the peer on a free port over a fresh folder; resolves with { port, stop }.
function startPeer(args) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hs2peer-conformance-'));
  const child = spawn(peerBinary, ['--folder', folder, '--exit-with-stdin', ...args],
                      { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', code => reject(new Error('hs2peer exited with ' + code)));
    child.stdout.on('data', chunk => {
      out += chunk;
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        resolve({
          port: Number(m[1]),
          stop: () => { child.removeAllListeners('exit'); child.stdin.end(); child.kill(); },
        });
      }
    });
  });
}

// A throwaway CA and a server certificate for localhost it signed; { ca, args } where args
// are the peer's TLS options.
function makeCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs2peer-certs-'));
  const file = name => path.join(dir, name);
  const openssl = args => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out',
           file('ca.pem'), '-days', '2', '-subj', '/CN=conformance CA']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out',
           file('server.csr'), '-subj', '/CN=localhost']);
  openssl(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey',
           file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2',
           '-extfile', file('ext.cnf')]);
  return { ca: fs.readFileSync(file('ca.pem')),
           args: ['--tls-cert', file('server.pem'), '--tls-key', file('server.key')] };
}

// `how`: { host, connection, options } for TLS or HTTP; binary TCP on 127.0.0.1 without.
async function connect(port, auth, how = {}) {
  const client = new hive.HiveClient(TCLIService, T);
  client.on('error', e => { console.error('connection error: ' + e); failures++; });
  await client.connect({ host: how.host || '127.0.0.1', port, options: how.options },
                       how.connection || new hive.connections.TcpConnection(), auth);
  const session = await client.openSession({
    client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10,
  });
  return { client, session };
}

// Runs one statement asynchronously, waits for it, fetches everything; { schema, rows }.
async function run(session, statement) {
  const utils = new hive.HiveUtils(T);
  const op = await session.executeStatement(statement, { runAsync: true });
  await utils.waitUntilReady(op, false, () => {});
  await utils.fetchAll(op);
  const schema = op.getSchema();
  const rows = utils.getResult(op).getValue();
  await op.close();
  return { schema, rows };
}

function types(schema) {
  const names = {};
  for (const [name, id] of Object.entries(T.TTypeId)) names[id] = name;
  return schema.columns.map(c => c.columnName + ':' + names[c.typeDesc.types[0].primitiveEntry.type]);
}

// The oplog table and rows as HiveStore writes them: keys and values that look like numbers.
const createOplog =
  'CREATE TABLE IF NOT EXISTS oplog (pos BIGINT, op STRING, student_id STRING, course_id STRING, ' +
  'grade STRING, ts BIGINT, origin STRING, seq BIGINT, wall_ms BIGINT, attributes STRING, ' +
  'context STRING) STORED AS ORC';
const insertOplog =
  "INSERT INTO oplog VALUES (1,'SET','007','1.50',' 12 ',1,'HIVE',1,0,NULL,'')," +
  "(2,'SET','1e3','9223372036854775808','1.50',2,'HIVE',2,0,NULL,'')," +
  "(3,'SET','10','007','007',3,'HIVE',3,0,NULL,'')," +
  "(4,'SET','9','1E3','1e3',4,'HIVE',4,0,NULL,'')";
const latestWrites =
  'SELECT student_id, course_id, grade, op, ts, origin, seq, attrs FROM (SELECT student_id, ' +
  'course_id, grade, op, ts, origin, seq, FIRST_VALUE(attributes) OVER (PARTITION BY ' +
  'student_id, course_id ORDER BY CASE WHEN attributes IS NULL THEN 0 ELSE 1 END DESC, ts DESC, ' +
  'origin DESC, seq DESC) AS attrs, ROW_NUMBER() OVER (PARTITION BY student_id, course_id ORDER ' +
  "BY ts DESC, origin DESC, seq DESC) AS rn FROM oplog WHERE op <> 'GET') latest WHERE " +
  'latest.rn = 1';
const expectedKeys = [['007', '1.50'], ['10', '007'], ['1e3', '9223372036854775808'], ['9', '1E3']];
const expectedGrades = { '007': ' 12 ', '10': '007', '1e3': '1.50', '9': '1e3' };

async function checkStore(session, label) {
  await run(session, 'CREATE DATABASE conformance');
  await run(session, 'USE conformance');
  await run(session, createOplog);
  await run(session, insertOplog);

  const ends = await run(session, "SELECT MAX(pos), MAX(CASE WHEN origin = 'HIVE' AND (op = " +
                                  "'SET' OR op = 'DELETE') THEN seq END) FROM oplog");
  check(ends.rows.length === 1 && ends.rows[0]._c0 === 4 && ends.rows[0]._c1 === 4,
        label + ': SELECT MAX(pos), MAX(…) is the BIGINTs 4, 4 in columns _c0, _c1 (' +
          JSON.stringify(ends.rows) + ')');

  const log = await run(session, 'SELECT pos, op, student_id, course_id, grade, ts, origin, seq, ' +
                                 'wall_ms, attributes, context FROM oplog WHERE pos > 0 ORDER BY ' +
                                 'pos LIMIT 100000');
  check(JSON.stringify(types(log.schema)) === JSON.stringify([
    'pos:BIGINT_TYPE', 'op:STRING_TYPE', 'student_id:STRING_TYPE', 'course_id:STRING_TYPE',
    'grade:STRING_TYPE', 'ts:BIGINT_TYPE', 'origin:STRING_TYPE', 'seq:BIGINT_TYPE',
    'wall_ms:BIGINT_TYPE', 'attributes:STRING_TYPE', 'context:STRING_TYPE']),
        label + ': metadata names the declared types ' + JSON.stringify(types(log.schema)));
  check(log.rows.length === 4 && log.rows.every((r, i) => r.pos === i + 1),
        label + ': positions 1..4 in order');
  check(log.rows.every(r => typeof r.student_id === 'string' && typeof r.grade === 'string'),
        label + ': STRING values come as strings');
  check(log.rows[0].student_id === '007' && log.rows[0].course_id === '1.50' &&
        log.rows[0].grade === ' 12 ' && log.rows[1].course_id === '9223372036854775808',
        label + ': number-like strings keep their bytes ' + JSON.stringify(log.rows.slice(0, 2)));
  check(log.rows[0].attributes === null, label + ': NULL comes as null');

  const grades = await run(session, latestWrites + ' ORDER BY student_id, course_id LIMIT 1000');
  const keys = grades.rows.map(r => [r.student_id, r.course_id]);
  check(JSON.stringify(keys) === JSON.stringify(expectedKeys),
        label + ': the latest writes sort byte-wise ' + JSON.stringify(keys));
  check(grades.rows.every(r => r.grade === expectedGrades[r.student_id]),
        label + ': each key keeps its value');

  const set = await run(session, 'SET hive.txn.manager');
  check(set.rows.length === 1 && /^hive\.txn\.manager=org\.apache\.hadoop\.hive\.ql\.lockmgr\./
          .test(Object.values(set.rows[0])[0]),
        label + ': SET key answers key=value ' + JSON.stringify(set.rows));

  let refused = null;
  try {
    await run(session, 'SELECT * FROM nowhere');
  } catch (e) {
    refused = e;
  }
  check(refused !== null && /nowhere/.test(String(refused.message || '') +
                                           JSON.stringify(refused.response || {})),
        label + ': a failing statement is an error that names its cause');
}

async function main() {
  // NOSASL: the driver's default transport.
  const plainPeer = await startPeer(['--auth', 'NOSASL']);
  try {
    const { client, session } = await connect(plainPeer.port, new hive.auth.NoSaslAuthentication());
    await checkStore(session, 'NOSASL');
    await session.close();
    await client.close();
  } finally {
    plainPeer.stop();
  }

  // SASL PLAIN with user and password checked, playing a Hive with ACID tables: the grade
  // table and the MERGE HiveStore folds each batch with.
  const acidPeer = await startPeer(['--auth', 'PLAIN', '--user', 'hive', '--password', 's3cret',
                                    '--acid']);
  try {
    let wrong = null;
    try {
      await connect(acidPeer.port,
                    new hive.auth.PlainTcpAuthentication({ username: 'hive', password: 'wrong' }));
    } catch (e) {
      wrong = e;
    }
    check(wrong !== null, 'PLAIN: a wrong password is refused');
    const { client, session } = await connect(
      acidPeer.port, new hive.auth.PlainTcpAuthentication({ username: 'hive', password: 's3cret' }));
    await checkStore(session, 'PLAIN+ACID');
    await run(session, 'CREATE TABLE IF NOT EXISTS grades_acid (student_id STRING, course_id ' +
                       'STRING, grade STRING, op STRING, ts BIGINT, origin STRING, seq BIGINT, ' +
                       'attributes STRING) CLUSTERED BY (student_id) INTO 4 BUCKETS STORED AS ' +
                       "ORC TBLPROPERTIES ('transactional'='true')");
    const merge =
      'MERGE INTO grades_acid AS g USING (' +
      latestWrites.replace("op <> 'GET')", "op <> 'GET' AND pos >= 1 AND pos <= 4)") +
      ') AS s ON g.student_id = s.student_id AND g.course_id = s.course_id WHEN MATCHED AND ' +
      '(s.ts > g.ts OR (s.ts = g.ts AND (s.origin > g.origin OR (s.origin = g.origin AND ' +
      's.seq > g.seq)))) THEN UPDATE SET grade = s.grade, op = s.op, ts = s.ts, origin = ' +
      's.origin, seq = s.seq, attributes = COALESCE(s.attrs, g.attributes) WHEN NOT MATCHED ' +
      'THEN INSERT VALUES (s.student_id, s.course_id, s.grade, s.op, s.ts, s.origin, s.seq, ' +
      's.attrs)';
    await run(session, merge);
    await run(session, merge); // folding is idempotent
    const table = await run(session, 'SELECT student_id, course_id, grade, ts FROM grades_acid ' +
                                     'ORDER BY student_id, course_id LIMIT 1000');
    check(JSON.stringify(table.rows.map(r => [r.student_id, r.course_id])) ===
            JSON.stringify(expectedKeys) &&
          table.rows.every(r => r.grade === expectedGrades[r.student_id] &&
                                typeof r.ts === 'number'),
          'PLAIN+ACID: MERGE folds the log into the transactional table ' +
            JSON.stringify(table.rows));
    await session.close();
    await client.close();
  } finally {
    acidPeer.stop();
  }
}

// The transports: SASL PLAIN over TLS, then HTTP and HTTPS with Basic credentials, each
// checked the same way. hive-driver checks the peer's certificate against the CA and the host
// name (rejectUnauthorized, which it turns off by default).
async function transports() {
  const certs = makeCertificates();
  const login = { username: 'hive', password: 's3cret' };
  const credentials = ['--auth', 'PLAIN', '--user', 'hive', '--password', 's3cret'];
  const verified = { ca: certs.ca, rejectUnauthorized: true, servername: 'localhost' };
  const cases = [
    { label: 'TLS', args: certs.args,
      how: { host: 'localhost', options: { ssl: true, ...verified } },
      auth: () => new hive.auth.PlainTcpAuthentication(login) },
    // The peer refuses a request without its session cookie once it set one: hive-driver sends
    // back what Set-Cookie said.
    { label: 'HTTP', args: ['--http', '--http-cookie-required'],
      how: { connection: new hive.connections.HttpConnection(),
             options: { path: '/cliservice' } },
      auth: () => new hive.auth.PlainHttpAuthentication(login) },
    { label: 'HTTPS', args: ['--http', '--http-path', 'gateway', '--http-cookie-required',
                             ...certs.args],
      how: { host: 'localhost', connection: new hive.connections.HttpConnection(),
             options: { path: '/gateway', https: true, nodeOptions: verified } },
      auth: () => new hive.auth.PlainHttpAuthentication(login) },
  ];
  for (const c of cases) {
    const peer = await startPeer([...credentials, ...c.args]);
    try {
      const { client, session } = await connect(peer.port, c.auth(), c.how);
      await checkStore(session, c.label);
      await session.close();
      await client.close();
    } finally {
      peer.stop();
    }
  }
}

(async () => {
  try {
    await main();
    await transports();
  } catch (error) {
    console.error('conformance_hive: ' + (error && error.stack ? error.stack : JSON.stringify(error)));
    process.exit(1);
  }
  console.log(failures === 0 ? 'conformance_hive: all checks hold'
                             : 'conformance_hive: ' + failures + ' check(s) failed');
  process.exit(failures === 0 ? 0 : 1);
})();
