// mongopeer through a client nobody here wrote: the official MongoDB Node.js driver (npm
// package "mongodb", pinned by package-lock.json). It runs what MongoStore sends (inserts,
// finds over _id ranges with sorts and limits, updates, deletes, createIndexes, the replica
// set's transactions with commit and abort) and the edges whose answers MongoDB documents
// (duplicate key 11000 with keyPattern and keyValue, the 16 MiB limit, the nesting limit, an
// empty range), with and without authentication (SCRAM-SHA-256 and SCRAM-SHA-1), and compares
// the driver's results and errors with what mongod gives.
//   node conformance.js PATH/TO/mongopeer
// Exits 0 when every check holds, 1 otherwise (each failure named), 77 when the driver is not
// installed (scripts/test-clients installs it), which CTest counts as skipped.
'use strict';

const { startPeer: startPeerAt, Tally } = require('../mongopeerrun');

const path = require('path');

let mongodb;
try {
  mongodb = require(path.join(__dirname, 'node_modules', 'mongodb'));
} catch (e) {
  console.log('SKIP: tests/conformance/mongo/node_modules is absent: run scripts/test-clients');
  process.exit(77);
}
const { MongoClient, MongoServerError, MongoBulkWriteError } = mongodb;

const peerPath = process.argv[2];
if (!peerPath) {
  console.error('usage: node conformance.js PATH/TO/mongopeer');
  process.exit(2);
}
const tally = new Tally();
const check = tally.check.bind(tally);
const startPeer = (args) => startPeerAt(peerPath, args);

const PASSWORD = 'node-Passw0rd';
// A peer that stops answering (as it once did, spinning on an empty range) fails the check
// that met it instead of hanging the test.
const OPTIONS = { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 10000 };
// Runs `fn`; resolves with the error it threw, or null.
async function errorOf(fn) {
  try {
    await fn();
    return null;
  } catch (e) {
    return e;
  }
}

function nested(levels) {
  let doc = {};
  for (let i = 1; i < levels; ++i) doc = { a: doc };
  return doc;
}

async function plainCommands(uri) {
  const client = new MongoClient(uri, OPTIONS);
  await client.connect();
  const db = client.db('conformance');
  const c = db.collection('grades');
  await c.deleteMany({});

  // What the store writes: documents keyed by {s, c}, numeric _id in the oplog.
  const ins = await c.insertMany([
    { _id: { s: 'SID1', c: 'CSE1' }, grade: 'A' },
    { _id: { s: 'SID2', c: 'CSE1' }, grade: 'B' },
  ]);
  check(ins.insertedCount === 2, 'insertMany answers insertedCount 2', ins.insertedCount);
  const oplog = db.collection('oplog');
  await oplog.deleteMany({});
  await oplog.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i + 1, op: 'set' })));

  // Ranges over _id, ascending and descending, with limits and getMore batches.
  const range = await oplog.find({ _id: { $gt: 10, $lte: 250 } }).sort({ _id: 1 }).toArray();
  check(range.length === 240 && range[0]._id === 11 && range[239]._id === 250,
        'find over an _id range, through getMore batches', range.length);
  const last = await oplog.find({}).sort({ _id: -1 }).limit(1).toArray();
  check(last.length === 1 && last[0]._id === 300, 'find sorted by _id descending, limit 1');
  const batched = await oplog.find({ _id: { $gte: 1 } }, { batchSize: 7 }).toArray();
  check(batched.length === 300, 'find with batchSize 7 returns every document', batched.length);

  // The empty range that once held the peer's lock forever.
  const started = Date.now();
  const empty = await oplog.find({ _id: { $gt: 10, $lt: 5 } }).toArray();
  const emptyPastEnd = await oplog.find({ _id: { $gt: 1000, $lt: 5 } }).toArray();
  check(empty.length === 0 && emptyPastEnd.length === 0 && Date.now() - started < 5000,
        'an empty _id range answers nothing, at once');

  // Updates and deletes as the store sends them.
  const up = await c.replaceOne({ _id: { s: 'SID3', c: 'CSE1' } }, { grade: 'C' }, { upsert: true });
  check(up.upsertedCount === 1, 'replaceOne with upsert inserts', JSON.stringify(up));
  const set = await c.updateOne({ _id: { s: 'SID1', c: 'CSE1' } }, { $set: { grade: 'Z' } });
  check(set.matchedCount === 1 && set.modifiedCount === 1, 'updateOne $set');
  const del = await c.deleteOne({ _id: { s: 'SID2', c: 'CSE1' } });
  check(del.deletedCount === 1, 'deleteOne');
  const count = await c.estimatedDocumentCount();
  check(count === 2, 'estimatedDocumentCount (count) says 2', count);

  // createIndexes, then a unique index's second entry: 11000 as mongod words it.
  const name = await c.createIndex({ grade: 1 }, { name: 'grade_1', unique: true });
  check(name === 'grade_1', 'createIndex answers the index name', name);
  const dup = await errorOf(() => c.insertOne({ _id: { s: 'SID9', c: 'CSE9' }, grade: 'Z' }));
  check(dup instanceof MongoServerError && dup.code === 11000,
        'a unique index refuses a second entry with 11000', dup && dup.message);
  check(dup && dup.message === 'E11000 duplicate key error collection: conformance.grades ' +
            'index: grade_1 dup key: { grade: "Z" }',
        "11000's message is mongod's", dup && dup.message);
  check(dup && JSON.stringify(dup.keyPattern) === '{"grade":1}' &&
            JSON.stringify(dup.keyValue) === '{"grade":"Z"}',
        '11000 carries keyPattern and keyValue', dup && JSON.stringify(dup.keyValue));
  const dupId = await errorOf(() => oplog.insertOne({ _id: 5 }));
  check(dupId && dupId.code === 11000 &&
            /index: _id_ dup key: \{ _id: 5 \}$/.test(dupId.message),
        'a second _id is refused with 11000', dupId && dupId.message);
  const bulk = await errorOf(() => oplog.insertMany([{ _id: 301 }, { _id: 5 }, { _id: 302 }],
                                                    { ordered: false }));
  check(bulk instanceof MongoBulkWriteError && bulk.result.insertedCount === 2 &&
            bulk.writeErrors.length === 1 && bulk.writeErrors[0].index === 1,
        'an unordered insert goes on past a duplicate and names its index',
        bulk && JSON.stringify(bulk.writeErrors));

  // The 16 MiB limit. The driver checks it before sending; a command sent as is reaches the
  // server, which refuses to store it.
  const big = 'x'.repeat(16 * 1024 * 1024 + 1024);
  const clientSide = await errorOf(() => c.insertOne({ _id: 'big', big }));
  check(clientSide !== null, 'the driver refuses a 16 MiB + 1 KiB document itself',
        clientSide && clientSide.message);
  const raw = await db.command({ insert: 'large', documents: [{ big }] });
  check(raw.ok === 1 && raw.n === 0 && raw.writeErrors && raw.writeErrors[0].code === 2 &&
            /^object to insert too large\. size in bytes: \d+, max size: 16777216$/.test(
                raw.writeErrors[0].errmsg),
        'the server refuses to store over 16 MiB', JSON.stringify(raw.writeErrors));

  // Nesting: past 180 levels mongod stores nothing, past 200 it reads nothing.
  const deepStored = await db.command({ insert: 'deep', documents: [nested(185)] });
  check(deepStored.n === 0 && deepStored.writeErrors && deepStored.writeErrors[0].code === 15,
        'a document nested 185 levels is not stored (15)', JSON.stringify(deepStored));
  const deepRead = await errorOf(() => db.command({ insert: 'deep', documents: [nested(250)] }));
  check(deepRead instanceof MongoServerError && deepRead.code === 15 &&
            deepRead.message === 'BSONObj exceeds maximum nested object depth',
        'a document nested 250 levels is refused whole (15)', deepRead && deepRead.message);
  const ok = await db.command({ ping: 1 });
  check(ok.ok === 1, 'the peer still answers');

  // An unknown command, as mongod answers it.
  const unknown = await errorOf(() => db.command({ noSuchCommand: 1 }));
  check(unknown && unknown.code === 59, 'an unknown command is 59 CommandNotFound',
        unknown && unknown.message);
  await client.close();
}

async function transactions(uri) {
  const client = new MongoClient(uri, OPTIONS);
  const other = new MongoClient(uri, OPTIONS);
  await client.connect();
  await other.connect();
  const c = client.db('conformance').collection('tx');
  const seen = other.db('conformance').collection('tx');
  await c.deleteMany({});
  await c.insertOne({ _id: 1, v: 'before' }); // a retryable write: lsid and txnNumber

  // Commit: invisible to the other client until then.
  const session = client.startSession();
  session.startTransaction();
  await c.insertOne({ _id: 2, v: 'new' }, { session });
  await c.updateOne({ _id: 1 }, { $set: { v: 'txn' } }, { session });
  const inside = await c.find({}, { session }).sort({ _id: 1 }).toArray();
  check(inside.length === 2 && inside[0].v === 'txn', 'a transaction reads its own writes');
  const outside = await seen.find({}).sort({ _id: 1 }).toArray();
  check(outside.length === 1 && outside[0].v === 'before',
        'another client does not see uncommitted writes', JSON.stringify(outside));
  await session.commitTransaction();
  const after = await seen.find({}).sort({ _id: 1 }).toArray();
  check(after.length === 2 && after[0].v === 'txn', 'the commit shows them');
  // A commit sent again (as after a lost answer) answers ok.
  const again = await errorOf(() => session.commitTransaction());
  check(again === null, 'commitTransaction again after the commit answers ok',
        again && again.message);

  // Abort: nothing stays.
  session.startTransaction();
  await c.insertOne({ _id: 3 }, { session });
  await session.abortTransaction();
  const aborted = await seen.findOne({ _id: 3 });
  check(aborted === null, 'abortTransaction leaves nothing');

  // Two transactions writing one document: the second gets WriteConflict, labelled transient.
  const a = client.startSession();
  const b = other.startSession();
  a.startTransaction();
  b.startTransaction();
  await c.updateOne({ _id: 1 }, { $set: { v: 'a' } }, { session: a });
  const conflict = await errorOf(() => seen.updateOne({ _id: 1 }, { $set: { v: 'b' } },
                                                      { session: b }));
  check(conflict && conflict.code === 112 && conflict.hasErrorLabel('TransientTransactionError'),
        'a write conflict is 112 with TransientTransactionError', conflict && conflict.message);
  await errorOf(() => b.abortTransaction());
  await a.commitTransaction();
  const won = await seen.findOne({ _id: 1 });
  check(won && won.v === 'a', 'the first transaction wins');

  // withTransaction, the drivers' helper that retries on transient errors.
  await client.startSession().withTransaction(async (s) => {
    await c.insertOne({ _id: 4 }, { session: s });
  });
  check((await seen.findOne({ _id: 4 })) !== null, 'withTransaction commits');

  await session.endSession();
  await a.endSession();
  await b.endSession();
  await client.close();
  await other.close();
}

async function authentication(port) {
  const base = `127.0.0.1:${port}/conformance?directConnection=true`;
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1']) {
    const client = new MongoClient(
        `mongodb://syncscope:${PASSWORD}@${base}&authSource=admin&authMechanism=${mechanism}`,
        OPTIONS);
    const err = await errorOf(async () => {
      await client.connect();
      await client.db('conformance').collection('auth').insertOne({ m: mechanism });
    });
    check(err === null, `logs in with ${mechanism} and writes`, err && err.message);
    await client.close();
  }
  // Negotiated: the driver asks hello for saslSupportedMechs and picks SCRAM-SHA-256.
  const negotiated = new MongoClient(`mongodb://syncscope:${PASSWORD}@${base}&authSource=admin`,
                                     OPTIONS);
  const nErr = await errorOf(() => negotiated.db('admin').command({ ping: 1 }));
  check(nErr === null, 'logs in with the negotiated mechanism', nErr && nErr.message);
  await negotiated.close();

  // Speculative authentication (mongod 4.4+): the driver's handshake carries the first SCRAM
  // step, so with saslStart failing as a command the login still works.
  const admin = new MongoClient(`mongodb://syncscope:${PASSWORD}@${base}&authSource=admin`, OPTIONS);
  await admin.db('admin').command({
    configureFailPoint: 'failCommand', mode: 'alwaysOn',
    data: { failCommands: ['saslStart'], errorCode: 18 },
  });
  const speculative = new MongoClient(`mongodb://syncscope:${PASSWORD}@${base}&authSource=admin`,
                                      OPTIONS);
  const sErr = await errorOf(() => speculative.db('admin').command({ ping: 1 }));
  check(sErr === null, 'logs in speculatively, in the handshake', sErr && sErr.message);
  await speculative.close();
  await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  await admin.close();

  const wrong = new MongoClient(`mongodb://syncscope:wrong@${base}&authSource=admin`,
                                OPTIONS);
  const wErr = await errorOf(() => wrong.connect());
  check(wErr && /Authentication failed/.test(wErr.message) &&
            (wErr.code === 18 || (wErr.cause && wErr.cause.code === 18)),
        'a wrong password fails with 18 AuthenticationFailed', wErr && wErr.message);
  await wrong.close();

  const anonymous = new MongoClient(`mongodb://${base}`, OPTIONS);
  const ping = await errorOf(() => anonymous.db('admin').command({ ping: 1 }));
  check(ping === null, 'ping needs no login, as on mongod', ping && ping.message);
  const refused = await errorOf(() => anonymous.db('conformance').collection('auth')
                                          .insertOne({ x: 1 }));
  check(refused && refused.code === 13, 'a write without login is 13 Unauthorized',
        refused && refused.message);
  await anonymous.close();
}

async function main() {
  const peers = [];
  try {
    const standalone = await startPeer([]);
    peers.push(standalone);
    const replicaSet = await startPeer(['--replica-set', 'rs0']);
    peers.push(replicaSet);
    await plainCommands(`mongodb://127.0.0.1:${standalone.port}/?directConnection=true`);
    await plainCommands(`mongodb://127.0.0.1:${replicaSet.port}/?directConnection=true`);
    await transactions(`mongodb://127.0.0.1:${replicaSet.port}/?directConnection=true`);
    const secured = await startPeer(['--replica-set', 'rs0', '--user', `syncscope:${PASSWORD}`]);
    peers.push(secured);
    await authentication(secured.port);
    await transactions(`mongodb://syncscope:${PASSWORD}@127.0.0.1:${secured.port}/` +
                       '?directConnection=true&authSource=admin');
  } catch (e) {
    check(false, 'unexpected', e && e.stack ? e.stack : e);
  }
  tally.finish(peers);
}

main();
