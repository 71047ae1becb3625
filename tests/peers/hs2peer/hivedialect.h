#pragma once
// What the HiveServer2 test peer understands of HiveQL, and how it becomes SQLite. The subset
// is exactly what HiveStore sends plus what a test needs to look around; anything else is
// refused the way Hive refuses it (a ParseException, or Error 10294 for UPDATE, DELETE and
// MERGE, since the peer plays a Hive without ACID tables):
//   USE db                                 CREATE DATABASE [IF NOT EXISTS] db
//   CREATE TABLE [IF NOT EXISTS] t (…) [CLUSTERED BY … BUCKETS] [ROW FORMAT …]
//                                          [STORED AS f] [TBLPROPERTIES (…)]  (clauses dropped;
//                                          STRING columns declared TEXT, so they keep their
//                                          bytes and sort byte-wise as Hive's strings do)
//   CREATE VIEW [IF NOT EXISTS] v AS SELECT …
//   DROP TABLE|VIEW [IF EXISTS] t
//   INSERT INTO [TABLE] t [(cols)] VALUES (…), …
//   INSERT OVERWRITE TABLE t SELECT …       (the table's rows replaced in one transaction)
//   SELECT … / WITH …                      (window functions included)
//   SET key                                (hive.txn.manager and hive.support.concurrency
//                                          answer as the peer plays: ACID or not)
//   MERGE INTO t [AS] a USING (…) [AS] s ON … WHEN MATCHED AND … THEN UPDATE SET …
//     WHEN NOT MATCHED THEN INSERT VALUES (…)   (only when playing ACID: an UPDATE … FROM and
//                                          an INSERT … WHERE NOT EXISTS in one transaction)
//   another database's table as db.table   (attached to the session's SQLite connection)
// Hive string literals ('…' and "…", with Hive's backslash escapes) become bound parameters,
// so their bytes reach SQLite exactly; one statement per call, as over HiveServer2.
#include <string>
#include <vector>

namespace hs2peer {

// Hive's BaseSemanticAnalyzer.unescapeSQLString on the text between the quotes: \0 \' \" \b
// \n \r \t \Z \\, \% and \_ keep their backslash, \uXXXX, octal \[01][0-7][0-7], any other \c
// is c.
std::string unescapeHiveString(const std::string& body);

// Hive's variable substitution (hive.variable.substitute, on by default), which HiveServer2 runs
// on a statement's whole text, string literals included, before parsing it: every ${NAME} whose
// NAME holds no '}', '$' or space becomes ${env:X} the server's environment variable X,
// ${system:user.name|user.home|java.io.tmpdir} the server's, ${hiveconf:K}, ${hivevar:K} or a
// bare ${K} the session's setting K (`conf`); a name with no value stays as it was. Hive
// repeats this up to 40 times, so a value may itself name another variable.
std::string substituteHiveVariables(const std::string& statement,
                                    const std::vector<std::pair<std::string, std::string>>& conf);

struct Translation {
    enum class Kind { Query, Statement, Use, CreateDatabase, CreateTable, Overwrite, Set, Merge };
    Kind kind = Kind::Statement;
    std::string sql;                 // SQLite text; each ? takes the next parameter
    std::vector<std::string> params; // the literals, unescaped, in order
    std::string name;                // Use/CreateDatabase: the database; CreateTable,
                                     // Overwrite, Merge: the table; Set: the key
    bool transactional = false;      // CreateTable: TBLPROPERTIES ('transactional'='true')
    std::vector<std::string> merge;  // Merge: the SQLite statements, in order (literals inline)
    // Statement: SQLite statements to run after `sql` (a bucketed table's index, which plays
    // the part of Hive's bucketing in joins on the bucket column).
    std::vector<std::string> after;
    bool ifNotExists = false;
    std::string error; // set: Hive would refuse the statement with this message
    std::string sqlState;
};

// `acid`: the peer plays a Hive with ACID tables (DbTxnManager), which takes MERGE (into a
// transactional table only, which the caller checks). `strict`: Hive's
// hive.strict.checks.orderby.no.limit and hive.strict.checks.cartesian.product are on (an ORDER
// BY without LIMIT and a CROSS JOIN are refused); both are off by default in Hive 3 and 4.
// A CREATE TABLE naming a column by a reserved word (`timestamp`, `date`, …) without backticks
// is refused, as Hive's parser refuses it.
Translation translateHiveQl(const std::string& statement, bool acid = false, bool strict = false);

} // namespace hs2peer
