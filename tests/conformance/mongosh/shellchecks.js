// Run inside mongosh against mongopeer (conformance.js starts both). What MongoStore sends, as
// a person in MongoDB's own shell would type it, plus the shell's own calls (db.version(),
// db.hello(), cursors with batchSize, sessions and transactions on a replica set), each
// compared with what mongod answers. Prints one PASS or FAIL line per check and exits 1 on any
// failure. MODE (environment): "standalone", "replica" or "secured" (logged in).
'use strict';
const mode = process.env.SHELLCHECK_MODE || 'standalone';
let failures = 0;
let checks = 0;
function check(condition, what, detail) {
  ++checks;
  if (condition) {
    print('PASS  [' + mode + '] ' + what);
  } else {
    ++failures;
    print('FAIL  [' + mode + '] ' + what + (detail === undefined ? '' : ': ' + detail));
  }
}
function errorOf(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return e;
  }
}

const conf = db.getSiblingDB('conformance');
conf.dropDatabase();

check(/^\d+\.\d+\.\d+$/.test(db.version()), 'db.version() answers a version', db.version());
const hello = db.hello();
check(hello.isWritablePrimary === true && hello.maxBsonObjectSize === 16 * 1024 * 1024,
      'db.hello() says a writable primary and the 16 MiB limit', JSON.stringify(hello));
check(mode === 'standalone' ? hello.setName === undefined : hello.setName === 'rs0',
      'db.hello() names the replica set only on one', hello.setName);

// The oplog as the store writes it: numeric _id, read by ranges and from the end.
const oplog = conf.oplog;
const inserted = oplog.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i + 1, op: 'SET' })));
check(Object.keys(inserted.insertedIds).length === 300, 'insertMany of 300 documents');
const range = oplog.find({ _id: { $gt: 10, $lte: 250 } }).sort({ _id: 1 }).batchSize(7).toArray();
check(range.length === 240 && range[0]._id === 11 && range[239]._id === 250,
      'a range over _id read through getMore batches of 7', range.length);
const last = oplog.find().sort({ _id: -1 }).limit(1).toArray();
check(last.length === 1 && last[0]._id === 300, 'the last entry, sorted descending with limit 1');
check(oplog.find({ _id: { $gt: 10, $lt: 5 } }).toArray().length === 0, 'an empty range is empty');
check(oplog.estimatedDocumentCount() === 300, 'estimatedDocumentCount says 300',
      oplog.estimatedDocumentCount());

// The grade documents: keyed by {s, c}.
const grades = conf.grades;
grades.insertOne({ _id: { s: 'SID1', c: 'CSE1' }, grade: 'A' });
const up = grades.replaceOne({ _id: { s: 'SID2', c: 'CSE1' } }, { grade: 'B' }, { upsert: true });
check(up.upsertedCount === 1, 'replaceOne with upsert inserts', JSON.stringify(up));
const set = grades.updateOne({ _id: { s: 'SID1', c: 'CSE1' } }, { $set: { grade: '007' } });
check(set.matchedCount === 1 && set.modifiedCount === 1, 'updateOne $set');
const back = grades.findOne({ _id: { s: 'SID1', c: 'CSE1' } });
check(back && back.grade === '007', 'a grade that looks like a number keeps its text',
      back && JSON.stringify(back.grade));
check(grades.deleteOne({ _id: { s: 'SID2', c: 'CSE1' } }).deletedCount === 1, 'deleteOne');

// Unique indexes, and the shell's words for a second entry.
check(grades.createIndex({ grade: 1 }, { unique: true }) === 'grade_1', 'createIndex names it');
const dup = errorOf(() => grades.insertOne({ _id: { s: 'SID9', c: 'CSE9' }, grade: '007' }));
check(dup && dup.code === 11000 &&
          dup.message === 'E11000 duplicate key error collection: conformance.grades index: ' +
              'grade_1 dup key: { grade: "007" }',
      "a second entry is 11000 in mongod's words", dup && dup.message);
const dupId = errorOf(() => oplog.insertOne({ _id: 5 }));
check(dupId && dupId.code === 11000, 'a second _id is 11000', dupId && dupId.message);
const unknown = errorOf(() => db.runCommand({ noSuchCommand: 1 }));
check(unknown && unknown.code === 59 && unknown.codeName === 'CommandNotFound',
      'an unknown command is 59 CommandNotFound', unknown && unknown.message);

if (mode !== 'standalone') {
  // A transaction through the shell's session API: invisible until the commit, gone on abort.
  const session = db.getMongo().startSession();
  const inside = session.getDatabase('conformance').tx;
  session.startTransaction();
  inside.insertOne({ _id: 1, v: 'new' });
  check(inside.findOne({ _id: 1 }) !== null, 'a transaction reads its own write');
  check(conf.tx.findOne({ _id: 1 }) === null, 'outside the transaction the write is not seen');
  session.commitTransaction();
  check(conf.tx.findOne({ _id: 1 }) !== null, 'the commit shows it');
  session.startTransaction();
  inside.insertOne({ _id: 2 });
  session.abortTransaction();
  check(conf.tx.findOne({ _id: 2 }) === null, 'an aborted transaction leaves nothing');
  session.endSession();
} else {
  const session = db.getMongo().startSession();
  session.startTransaction();
  const refused = errorOf(() => session.getDatabase('conformance').tx.insertOne({ _id: 1 }));
  // mongod answers 20 "Transaction numbers are only allowed on a replica set member or
  // mongos"; the driver inside mongosh turns that answer into its own advice.
  check(refused && /does not support retryable writes|Transaction numbers are only allowed/
                       .test(refused.message),
        'a standalone server refuses a transaction', refused && refused.message);
  errorOf(() => session.abortTransaction());
  session.endSession();
}

print(`${checks - failures} of ${checks} shell checks hold` +
      (failures ? `, ${failures} failed` : ''));
quit(failures ? 1 : 0);
