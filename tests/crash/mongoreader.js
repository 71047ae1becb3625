#!/usr/bin/env node
// The crash harness's reader for MongoDB stores: the database read with the official MongoDB
// Node.js driver (installed by scripts/test-clients in tests/conformance/mongo), never through
// Syncscope.
//   node mongoreader.js URI   prints {"log": [[origin, seq, student, course, grade-or-null,
//                             ts], ...], "table": [[student, course, grade-or-null, ts, origin,
//                             seq], ...], "gets": [[ts, student, course], ...]}, the oplog in
//                             position order (its _id)
'use strict';

const path = require('path');
const { MongoClient } = require(path.join(__dirname, '..', 'conformance', 'mongo',
                                          'node_modules', 'mongodb'));

async function main() {
  const uri = process.argv[2];
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 30000 });
  await client.connect();
  try {
    const db = client.db();
    const out = { log: [], table: [], gets: [] };
    for await (const d of db.collection('oplog').find({}).sort({ _id: 1 })) {
      if (d.op === 'GET')
        out.gets.push([Number(d.ts), d.s, d.c]);
      else
        out.log.push([d.o, Number(d.q), d.s, d.c, d.op === 'DELETE' ? null : d.v, Number(d.ts)]);
    }
    for await (const g of db.collection('grades').find({}))
      out.table.push([g._id.s, g._id.c, g.deleted ? null : g.grade, Number(g.ts), g.origin,
                      Number(g.seq)]);
    process.stdout.write(JSON.stringify(out));
  } finally {
    await client.close();
  }
}

main().catch(e => {
  console.error('mongoreader: ' + (e && e.message ? e.message : e));
  process.exit(1);
});
