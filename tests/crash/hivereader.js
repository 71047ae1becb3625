#!/usr/bin/env node
// The crash harness's reader for Hive stores: a HiveServer2 read with hive-driver (an npm
// client built from Hive's own TCLIService IDL, installed by scripts/test-clients in
// tests/conformance/hive), never through Syncscope.
//   node hivereader.js create PORT DATABASE   CREATE DATABASE
//   node hivereader.js read PORT DATABASE     prints {"log": [[origin, seq, student, course,
//                                             grade-or-null, ts], ...], "gets": [[ts, student,
//                                             course], ...]}, the oplog in position order
// NOSASL, as the harness starts its peer. A database the run never reached holds nothing.
'use strict';

const path = require('path');
const hive = require(path.join(__dirname, '..', 'conformance', 'hive', 'node_modules',
                               'hive-driver'));
const { TCLIService, TCLIService_types: T } = hive.thrift;

async function run(session, statement) {
  const utils = new hive.HiveUtils(T);
  const op = await session.executeStatement(statement, { runAsync: true });
  await utils.waitUntilReady(op, false, () => {});
  await utils.fetchAll(op);
  const rows = utils.getResult(op).getValue();
  await op.close();
  return rows;
}

// Whether the run got as far as making its oplog (a kill can come first).
async function hasOplog(session) {
  try {
    await run(session, 'SELECT pos FROM oplog LIMIT 1');
    return true;
  } catch (e) {
    const why = String((e && e.response && e.response.errorMessage) || (e && e.message) || e);
    if (/not found|does not exist|no such table/i.test(why))
      return false;
    throw e;
  }
}

async function main() {
  const [what, port, database] = process.argv.slice(2);
  const client = new hive.HiveClient(TCLIService, T);
  await client.connect({ host: '127.0.0.1', port: Number(port) },
                       new hive.connections.TcpConnection(),
                       new hive.auth.NoSaslAuthentication());
  const session = await client.openSession({
    client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10,
  });
  try {
    if (what === 'create') {
      await run(session, 'CREATE DATABASE ' + database);
      return;
    }
    await run(session, 'USE ' + database);
    const out = { log: [], gets: [] };
    if (await hasOplog(session)) {
      // Pages under Hive's LIMIT, in position order.
      for (let from = 0; ; from += 100000) {
        const rows = await run(session,
          'SELECT pos, op, student_id, course_id, grade, ts, origin, seq FROM oplog WHERE pos > ' +
          from + ' AND pos <= ' + (from + 100000) + ' ORDER BY pos LIMIT 100000');
        for (const r of rows) {
          if (r.op === 'GET')
            out.gets.push([Number(r.ts), r.student_id, r.course_id]);
          else
            out.log.push([r.origin, Number(r.seq), r.student_id, r.course_id,
                          r.op === 'DELETE' ? null : r.grade, Number(r.ts)]);
        }
        const more = await run(session, 'SELECT COUNT(*) FROM oplog WHERE pos > ' + (from + 100000));
        if (Number(Object.values(more[0])[0]) === 0)
          break;
      }
    }
    process.stdout.write(JSON.stringify(out));
  } finally {
    await session.close();
    await client.close();
  }
}

main().catch(e => {
  console.error("hivereader: " + (e && e.message ? e.message : e) + " " + JSON.stringify((e && e.response) || {}).slice(0, 400));
  process.exit(1);
});
