// MariaDB and PostgreSQL: the same two tables as SQLite, with byte-order collations, the indexes
// the capture triggers need, and the triggers themselves.
//
// Outside writes (any client but Syncscope: the mysql or psql shell, another program) are
// captured as the originals did it, with triggers on the grades table:
//  - Syncscope's own sessions mark themselves (MariaDB: @syncscope_writer; PostgreSQL: the
//    setting syncscope.writer), and the triggers leave their writes alone: they are logged by
//    Syncscope in the same transaction, so nothing is logged twice.
//  - Any other INSERT, UPDATE or DELETE becomes a write of this store: origin = the store's name,
//    seq = its greatest seq + 1, and ts = the greatest ts in the oplog + 1, so the write sorts
//    after every write the store has seen (received ones included), as a local SET would. Its
//    causal context is, per other origin, the greatest seq the oplog holds for the key: what the
//    store had received for it. (A dot the store knew only through a received write's context is
//    not counted, so such a write may be reported concurrent when it was not: the report errs
//    towards showing a conflict, never towards hiding one.)
//  - The trigger takes the same row lock as Syncscope's appends, so oplog positions commit in
//    order whoever writes.
//  - Changing a key's student or course in an UPDATE is refused: it is a DELETE and a SET.
//  - A row that breaks the data rules of docs/script-language.md (ids of 1 to 64 characters of
//    [A-Za-z0-9_.-]; a grade of 1 to 64 bytes with no control character) is refused at its
//    INSERT or UPDATE, so the outside client sees the error and no store downstream is ever
//    handed a write it must refuse. Syncscope's own sessions validated theirs before.
//  - PostgreSQL keeps the tombstone last-writer-wins needs: a deleted row comes back with a NULL
//    grade, and an INSERT over a tombstone replaces it. MariaDB's triggers cannot write their own
//    table, so there an outside DELETE removes the row; its oplog entry still carries the delete.
//  - PostgreSQL notifies channel syncscope_oplog on each captured write (LISTEN/NOTIFY).
#include "sqldialect.h"

#include <limits>

namespace syncscope {

namespace {

const QString kStatuses = QStringLiteral("'SET', 'DELETE', 'GET', 'SEED'");

// The data rules, as MariaDB checks an outside INSERT or UPDATE (NEW). REGEXP runs PCRE in UTF-8
// on these utf8mb4 columns; LENGTH counts bytes; the collation pads spaces, so an empty grade is
// found by its length, not by = ''. The marker text lets an upgrade find triggers without it.
const QString kMariadbValidation = QStringLiteral(
    "IF NEW.student_id NOT REGEXP '^[A-Za-z0-9_.-]{1,64}$' THEN SET msg = CONCAT('Syncscope "
    "data rules: student_id ', QUOTE(LEFT(NEW.student_id, 64)), ' is not 1 to 64 of "
    "A-Z a-z 0-9 _ . -'); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg; END IF; "
    "IF NEW.course_id NOT REGEXP '^[A-Za-z0-9_.-]{1,64}$' THEN SET msg = CONCAT('Syncscope "
    "data rules: course_id ', QUOTE(LEFT(NEW.course_id, 64)), ' is not 1 to 64 of "
    "A-Z a-z 0-9 _ . -'); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg; END IF; "
    "IF NEW.grade IS NOT NULL AND (LENGTH(NEW.grade) = 0 OR LENGTH(NEW.grade) > 64 OR "
    "NEW.grade REGEXP '[\\\\x{00}-\\\\x{1F}\\\\x{7F}-\\\\x{9F}]') THEN SET msg = "
    "CONCAT('Syncscope data rules: the grade of (', NEW.student_id, ',', NEW.course_id, ') must "
    "be 1 to 64 bytes with no control character'); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
    "msg; END IF; ");

// The body MariaDB runs for one outside change; `row` is NEW or OLD, `guard` runs first.
QString mariadbCapture(const QString& row, const QString& op, const QString& grade, bool setsRow,
                       const QString& guard = {}) {
    QString body = QStringLiteral(
        "BEGIN "
        "DECLARE store VARCHAR(64); DECLARE next_ts BIGINT; DECLARE next_seq BIGINT; "
        "DECLARE ctx TEXT; DECLARE msg VARCHAR(200); "
        "IF @syncscope_writer IS NULL THEN ");
    body += guard;
    body += QStringLiteral(
        "SELECT value INTO store FROM syncscope_meta WHERE `key` = 'store' FOR UPDATE; "
        "SELECT COALESCE(MAX(ts), 0) + 1 INTO next_ts FROM oplog; "
        "SELECT COALESCE(MAX(seq), 0) + 1 INTO next_seq FROM oplog WHERE origin = store; "
        "SELECT GROUP_CONCAT(origin, ':', m ORDER BY origin SEPARATOR ',') INTO ctx FROM "
        "(SELECT origin, MAX(seq) AS m FROM oplog WHERE student_id = ROW.student_id AND "
        "course_id = ROW.course_id AND origin <> store AND op <> 'GET' GROUP BY origin) AS seen; "
        "INSERT INTO oplog(op, student_id, course_id, grade, ts, origin, seq, wall_ms, context) "
        "VALUES (OP, ROW.student_id, ROW.course_id, GRADE, next_ts, store, next_seq, "
        "FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000), ctx); ");
    if (setsRow)
        body += QStringLiteral("SET NEW.ts = next_ts, NEW.origin = store, NEW.seq = next_seq; ");
    body += QStringLiteral("END IF; END");
    body.replace(QStringLiteral("ROW."), row + QLatin1Char('.'));
    body.replace(QStringLiteral("OP,"), op + QLatin1Char(','));
    body.replace(QStringLiteral("GRADE,"), grade + QLatin1Char(','));
    return body;
}

} // namespace

SqlDialect mariadbDialect() {
    SqlDialect d;
    d.engine = SqlEngine::MariaDb;
    d.driver = QStringLiteral("QMYSQL");
    d.openPragmas = {QStringLiteral("SET @syncscope_writer = 1"),
                     QStringLiteral("SET NAMES utf8mb4 COLLATE utf8mb4_bin")};
    const QString table =
        QStringLiteral(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    const QString refuseKeyChange = QStringLiteral(
        "IF NEW.student_id <> OLD.student_id OR NEW.course_id <> OLD.course_id THEN "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Syncscope: a key cannot change; DELETE "
        "the row and INSERT the new key'; END IF; ");
    const QString setOp = QStringLiteral("IF(NEW.grade IS NULL, 'DELETE', 'SET')");
    const QString insertTrigger =
        QStringLiteral("grades_capture_insert BEFORE INSERT ON grades FOR EACH ROW ") +
        mariadbCapture(QStringLiteral("NEW"), setOp, QStringLiteral("NEW.grade"), true,
                       kMariadbValidation);
    const QString updateTrigger =
        QStringLiteral("grades_capture_update BEFORE UPDATE ON grades FOR EACH ROW ") +
        mariadbCapture(QStringLiteral("NEW"), setOp, QStringLiteral("NEW.grade"), true,
                       refuseKeyChange + kMariadbValidation);
    d.schema = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS syncscope_meta (`key` VARCHAR(64) PRIMARY KEY, "
                       "value TEXT NOT NULL)") +
            table,
        // grade IS NULL marks a deleted key; ts, origin and seq have defaults so an outside
        // INSERT may leave them out (the trigger sets them).
        QStringLiteral("CREATE TABLE IF NOT EXISTS grades (student_id VARCHAR(64) NOT NULL, "
                       "course_id VARCHAR(64) NOT NULL, grade VARCHAR(64) NULL, "
                       "ts BIGINT NOT NULL DEFAULT 0, origin VARCHAR(64) NOT NULL DEFAULT '', "
                       "seq BIGINT NOT NULL DEFAULT 0, attributes TEXT NULL, "
                       "PRIMARY KEY (student_id, course_id))") +
            table,
        QStringLiteral("CREATE TABLE IF NOT EXISTS oplog (id BIGINT NOT NULL AUTO_INCREMENT "
                       "PRIMARY KEY, op VARCHAR(6) NOT NULL CHECK (op IN (%1)), "
                       "student_id VARCHAR(64) NOT NULL, course_id VARCHAR(64) NOT NULL, "
                       "grade VARCHAR(64) NULL, ts BIGINT NOT NULL, origin VARCHAR(64) NOT NULL, "
                       "seq BIGINT NOT NULL, wall_ms BIGINT NOT NULL, context TEXT NULL, "
                       "KEY oplog_ts (ts), KEY oplog_origin_seq (origin, seq), "
                       "KEY oplog_key (student_id, course_id, origin, seq))")
                .arg(kStatuses) +
            table,
        QStringLiteral("CREATE TRIGGER IF NOT EXISTS ") + insertTrigger,
        QStringLiteral("CREATE TRIGGER IF NOT EXISTS ") + updateTrigger,
        QStringLiteral("CREATE TRIGGER IF NOT EXISTS grades_capture_delete AFTER DELETE ON "
                       "grades FOR EACH ROW ") +
            mariadbCapture(QStringLiteral("OLD"), QStringLiteral("'DELETE'"),
                           QStringLiteral("NULL"), false),
    };
    // Triggers made before the data rules were checked at the source are replaced (in place:
    // CREATE OR REPLACE keeps the table's other triggers and takes one metadata lock).
    for (const QString& trigger : {insertTrigger, updateTrigger})
        d.upgrades.push_back(
            {QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                            "TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = '%1' AND "
                            "ACTION_STATEMENT LIKE '%Syncscope data rules%'")
                 .arg(trigger.section(QLatin1Char(' '), 0, 0)),
             QStringLiteral("CREATE OR REPLACE TRIGGER ") + trigger, /*neededToRead=*/false});
    // A named lock of the server, named after the database (at most 64 characters).
    d.lockSchema =
        QStringLiteral("SELECT GET_LOCK(LEFT(CONCAT('syncscope schema ', DATABASE()), 64), 60)");
    d.unlockSchema =
        QStringLiteral("SELECT RELEASE_LOCK(LEFT(CONCAT('syncscope schema ', DATABASE()), 64))");
    d.claimStoreName =
        QStringLiteral("INSERT IGNORE INTO syncscope_meta(`key`, value) VALUES ('store', ?)");
    d.readStoreName = QStringLiteral("SELECT value FROM syncscope_meta WHERE `key` = 'store'");
    d.gradesColumns = QStringLiteral("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
                                     "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'grades'");
    d.lockForAppend =
        QStringLiteral("SELECT value FROM syncscope_meta WHERE `key` = 'store' FOR UPDATE");
    // Store::rollbackTo as on SQLite (sqldialect.cpp), in MariaDB's words: a temporary table may
    // appear only once per statement, so the last two steps are joins.
    const QString keyColumns =
        QStringLiteral("student_id VARCHAR(64) NOT NULL, course_id VARCHAR(64) NOT NULL");
    d.rollbackStatements = {
        QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS rollback_keys (%1, PRIMARY KEY "
                       "(student_id, course_id))")
                .arg(keyColumns) +
            table,
        QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS rollback_best (%1, grade "
                       "VARCHAR(64) NULL, ts BIGINT NOT NULL, origin VARCHAR(64) NOT NULL, seq "
                       "BIGINT NOT NULL, PRIMARY KEY (student_id, course_id))")
                .arg(keyColumns) +
            table,
        QStringLiteral("DELETE FROM rollback_keys"),
        QStringLiteral("DELETE FROM rollback_best"),
        QStringLiteral("INSERT IGNORE INTO rollback_keys SELECT student_id, course_id FROM oplog "
                       "WHERE id > :position AND op <> 'GET'"),
        QStringLiteral("DELETE FROM oplog WHERE id > :position"),
        rollbackGreatestWrites(),
        QStringLiteral("DELETE g FROM grades g JOIN rollback_keys k ON k.student_id = "
                       "g.student_id AND k.course_id = g.course_id LEFT JOIN rollback_best b ON "
                       "b.student_id = g.student_id AND b.course_id = g.course_id WHERE "
                       "b.student_id IS NULL"),
        QStringLiteral("UPDATE grades g JOIN rollback_best b ON b.student_id = g.student_id AND "
                       "b.course_id = g.course_id SET g.grade = b.grade, g.ts = b.ts, g.origin "
                       "= b.origin, g.seq = b.seq"),
    };
    d.rowsPerStatement = 500;
    d.unlimited = std::numeric_limits<qint64>::max();
    d.readPragmas = d.openPragmas; // they only mark the session
    return d;
}

SqlDialect postgresDialect() {
    SqlDialect d;
    d.engine = SqlEngine::Postgres;
    d.driver = QStringLiteral("QPSQL");
    d.openPragmas = {QStringLiteral("SET syncscope.writer = 'on'"),
                     QStringLiteral("SET client_min_messages = warning")};
    const QString text = QStringLiteral("TEXT COLLATE \"C\"");
    d.schema = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS syncscope_meta (key TEXT PRIMARY KEY, "
                       "value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS grades (student_id %1 NOT NULL, course_id %1 "
                       "NOT NULL, grade TEXT, ts BIGINT NOT NULL DEFAULT 0, origin %1 NOT NULL "
                       "DEFAULT '', seq BIGINT NOT NULL DEFAULT 0, attributes TEXT, "
                       "PRIMARY KEY (student_id, course_id))")
            .arg(text),
        QStringLiteral("CREATE TABLE IF NOT EXISTS oplog (id BIGINT GENERATED BY DEFAULT AS "
                       "IDENTITY PRIMARY KEY, op TEXT NOT NULL CHECK (op IN (%2)), "
                       "student_id %1 NOT NULL, course_id %1 NOT NULL, grade TEXT, "
                       "ts BIGINT NOT NULL, origin %1 NOT NULL, seq BIGINT NOT NULL, "
                       "wall_ms BIGINT NOT NULL, context TEXT)")
            .arg(text, kStatuses),
        QStringLiteral("CREATE INDEX IF NOT EXISTS oplog_ts ON oplog (ts)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS oplog_origin_seq ON oplog (origin, seq)"),
        QStringLiteral(
            "CREATE INDEX IF NOT EXISTS oplog_key ON oplog (student_id, course_id, origin, seq)"),
        QStringLiteral(
            "CREATE OR REPLACE FUNCTION syncscope_capture() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE store text; next_ts bigint; next_seq bigint; ctx text; "
            "sid text; cid text; grade_now text; "
            "BEGIN "
            "IF current_setting('syncscope.writer', true) = 'on' THEN "
            "  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
            // The data rules; ~ is a POSIX regular expression on the database's UTF-8 text (which
            // cannot hold NUL); \x80-\x9f are the C1 controls.
            "IF TG_OP <> 'DELETE' THEN "
            "  IF NEW.student_id !~ '^[A-Za-z0-9_.-]{1,64}$' THEN RAISE EXCEPTION USING "
            "    ERRCODE = 'check_violation', MESSAGE = format('Syncscope data rules: student_id "
            "%L is not 1 to 64 of A-Z a-z 0-9 _ . -', left(NEW.student_id, 64)); END IF; "
            "  IF NEW.course_id !~ '^[A-Za-z0-9_.-]{1,64}$' THEN RAISE EXCEPTION USING "
            "    ERRCODE = 'check_violation', MESSAGE = format('Syncscope data rules: course_id "
            "%L is not 1 to 64 of A-Z a-z 0-9 _ . -', left(NEW.course_id, 64)); END IF; "
            "  IF NEW.grade IS NOT NULL AND (octet_length(NEW.grade) = 0 OR "
            "    octet_length(NEW.grade) > 64 OR NEW.grade ~ '[\\x01-\\x1f\\x7f-\\x9f]') THEN "
            "    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = format('Syncscope "
            "data rules: the grade of (%s,%s) must be 1 to 64 bytes with no control character', "
            "NEW.student_id, NEW.course_id); END IF; "
            "END IF; "
            "IF TG_OP = 'UPDATE' AND (NEW.student_id <> OLD.student_id OR "
            "  NEW.course_id <> OLD.course_id) THEN "
            "  RAISE EXCEPTION 'Syncscope: a key cannot change; DELETE the row and INSERT the "
            "new key'; END IF; "
            "IF TG_OP = 'DELETE' THEN sid := OLD.student_id; cid := OLD.course_id; "
            "  grade_now := NULL; "
            "ELSE sid := NEW.student_id; cid := NEW.course_id; grade_now := NEW.grade; END IF; "
            "SELECT value INTO store FROM syncscope_meta WHERE key = 'store' FOR UPDATE; "
            "SELECT COALESCE(MAX(ts), 0) + 1 INTO next_ts FROM oplog; "
            "SELECT COALESCE(MAX(seq), 0) + 1 INTO next_seq FROM oplog WHERE origin = store; "
            "SELECT string_agg(origin || ':' || m, ',' ORDER BY origin) INTO ctx FROM "
            "  (SELECT origin, MAX(seq) AS m FROM oplog WHERE student_id = sid AND course_id = "
            "  cid AND origin <> store AND op <> 'GET' GROUP BY origin) AS seen; "
            "INSERT INTO oplog(op, student_id, course_id, grade, ts, origin, seq, wall_ms, "
            "  context) VALUES (CASE WHEN grade_now IS NULL THEN 'DELETE' ELSE 'SET' END, sid, "
            "  cid, grade_now, next_ts, store, next_seq, "
            "  (extract(epoch FROM clock_timestamp()) * 1000)::bigint, ctx); "
            "PERFORM pg_notify('syncscope_oplog', store); "
            // The trigger's own writes to grades are Syncscope's for the moment they take.
            "PERFORM set_config('syncscope.writer', 'on', true); "
            "IF TG_OP = 'DELETE' THEN "
            "  INSERT INTO grades(student_id, course_id, grade, ts, origin, seq, attributes) "
            "  VALUES (sid, cid, NULL, next_ts, store, next_seq, OLD.attributes); "
            "ELSIF TG_OP = 'INSERT' THEN "
            "  DELETE FROM grades WHERE student_id = sid AND course_id = cid AND grade IS NULL; "
            "END IF; "
            "PERFORM set_config('syncscope.writer', '', true); "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
            "NEW.ts := next_ts; NEW.origin := store; NEW.seq := next_seq; RETURN NEW; "
            "END $$"),
        QStringLiteral("CREATE OR REPLACE TRIGGER grades_capture BEFORE INSERT OR UPDATE ON "
                       "grades FOR EACH ROW EXECUTE FUNCTION syncscope_capture()"),
        QStringLiteral("CREATE OR REPLACE TRIGGER grades_capture_delete AFTER DELETE ON grades "
                       "FOR EACH ROW EXECUTE FUNCTION syncscope_capture()"),
    };
    // An advisory lock, which PostgreSQL scopes to the current database; waits as long as
    // the holder's DDL takes (lock_timeout, when the server sets one).
    d.lockSchema = QStringLiteral("SELECT 1 FROM (SELECT pg_advisory_lock(hashtext('syncscope "
                                  "schema'))) AS held");
    d.unlockSchema = QStringLiteral("SELECT pg_advisory_unlock(hashtext('syncscope schema'))");
    d.claimStoreName = QStringLiteral("INSERT INTO syncscope_meta(key, value) VALUES ('store', ?) "
                                      "ON CONFLICT (key) DO NOTHING");
    d.readStoreName = QStringLiteral("SELECT value FROM syncscope_meta WHERE key = 'store'");
    d.gradesColumns = QStringLiteral("SELECT column_name FROM information_schema.columns WHERE "
                                     "table_schema = current_schema() AND table_name = 'grades'");
    d.lockForAppend =
        QStringLiteral("SELECT value FROM syncscope_meta WHERE key = 'store' FOR UPDATE");
    d.rollbackStatements = {
        QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS rollback_keys (student_id %1 NOT NULL, "
                       "course_id %1 NOT NULL, PRIMARY KEY (student_id, course_id))")
            .arg(text),
        QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS rollback_best (student_id %1 NOT NULL, "
                       "course_id %1 NOT NULL, grade TEXT, ts BIGINT NOT NULL, origin %1 NOT "
                       "NULL, seq BIGINT NOT NULL, PRIMARY KEY (student_id, course_id))")
            .arg(text),
        QStringLiteral("DELETE FROM rollback_keys"),
        QStringLiteral("DELETE FROM rollback_best"),
        QStringLiteral("INSERT INTO rollback_keys SELECT student_id, course_id FROM oplog WHERE "
                       "id > :position AND op <> 'GET' ON CONFLICT DO NOTHING"),
        QStringLiteral("DELETE FROM oplog WHERE id > :position"),
        rollbackGreatestWrites(),
    };
    d.rollbackStatements << rollbackRewriteGrades();
    d.distinctKeysPerUpsert = true;
    d.rowsPerStatement = 500;
    d.unlimited = std::numeric_limits<qint64>::max();
    d.readPragmas = d.openPragmas; // they only mark the session
    return d;
}

} // namespace syncscope
