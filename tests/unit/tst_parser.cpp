// The script grammar of docs/script-language.md: every valid variant, and malformed lines with the
// exact line, column and message each must produce; how many errors are kept, and how many
// stores a run may name (docs/cli.md#limits).
#include "script.h"
#include "scriptbinding.h"

#include <QElapsedTimer>
#include <QTest>

using namespace syncscope;

Q_DECLARE_METATYPE(Op)

class TestParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validLine_data();
    void validLine();
    void blankAndCommentLines();
    void implicitTimestamps();
    void implicitTimestampsContinueAcrossParses();
    void quotedValueEscapes();
    void fullSyncList();
    void crlfAndFinalLineWithoutNewline();
    void storeNamesAreCaseInsensitive();
    void malformedLine_data();
    void malformedLine();
    void everyBadLineIsReported();
    void errorsPastTheLimitAreCountedNotKept();
    void manyStoreNamesParseQuickly();
    void aRunHasAtMostMaxStores();
    void parseAndBindingErrorsMergeInOrder();
    void textEndingMidCommand();
    void errorFormat();
};

void TestParser::validLine_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<Op>("op");
    QTest::addColumn<QString>("store");
    QTest::addColumn<QString>("sid");
    QTest::addColumn<QString>("cid");
    QTest::addColumn<QString>("value");
    QTest::addColumn<qlonglong>("ts");
    QTest::addColumn<bool>("explicitTs");

    QTest::newRow("set") << "1, HIVE.SET((SID1033,CSE016),A)" << Op::Set << "HIVE"
                         << "SID1033"
                         << "CSE016"
                         << "A" << 1LL << true;
    QTest::newRow("set no ts") << "HIVE.SET((SID1033,CSE016),B+)" << Op::Set << "HIVE"
                               << "SID1033"
                               << "CSE016"
                               << "B+" << 1LL << false;
    QTest::newRow("spaces everywhere")
        << "  7 ,  hive . set ( ( SID1 , C.1-x_ ) , A )  " << Op::Set << "HIVE"
        << "SID1"
        << "C.1-x_"
        << "A" << 7LL << true;
    QTest::newRow("tabs") << "\t3,\tSQL.SET((a,b),\tF)" << Op::Set << "SQL"
                          << "a"
                          << "b"
                          << "F" << 3LL << true;
    QTest::newRow("negative ts") << "-42, SQL.SET((a,b),F)" << Op::Set << "SQL"
                                 << "a"
                                 << "b"
                                 << "F" << -42LL << true;
    QTest::newRow("plus ts") << "+42, SQL.SET((a,b),F)" << Op::Set << "SQL"
                             << "a"
                             << "b"
                             << "F" << 42LL << true;
    QTest::newRow("max ts") << "9223372036854775807, SQL.GET(a,b)" << Op::Get << "SQL"
                            << "a"
                            << "b"
                            << "" << 9223372036854775807LL << true;
    QTest::newRow("min ts") << "-9223372036854775808, SQL.GET(a,b)" << Op::Get << "SQL"
                            << "a"
                            << "b"
                            << "" << (-9223372036854775807LL - 1) << true;
    QTest::newRow("quoted") << "SQL.SET((a,b),\"with space, comma (parens)\")" << Op::Set << "SQL"
                            << "a"
                            << "b"
                            << "with space, comma (parens)" << 1LL << false;
    QTest::newRow("bare with quote inside") << "SQL.SET((a,b),A\"B)" << Op::Set << "SQL"
                                            << "a"
                                            << "b"
                                            << "A\"B" << 1LL << false;
    QTest::newRow("bare with hash") << "SQL.SET((a,b),C#)" << Op::Set << "SQL"
                                    << "a"
                                    << "b"
                                    << "C#" << 1LL << false;
    QTest::newRow("unicode value") << "SQL.SET((a,b),Très-bien✓)" << Op::Set << "SQL"
                                   << "a"
                                   << "b"
                                   << "Très-bien✓" << 1LL << false;
    QTest::newRow("trailing comment") << "2, SQL.SET((a,b),A) # the first write" << Op::Set << "SQL"
                                      << "a"
                                      << "b"
                                      << "A" << 2LL << true;
    QTest::newRow("comment no space") << "2, SQL.SET((a,b),A)#x" << Op::Set << "SQL"
                                      << "a"
                                      << "b"
                                      << "A" << 2LL << true;
    QTest::newRow("get flat") << "2, MONGO.GET(SID1,CSE1)" << Op::Get << "MONGO"
                              << "SID1"
                              << "CSE1"
                              << "" << 2LL << true;
    QTest::newRow("get nested") << "MONGO.GET((SID1,CSE1))" << Op::Get << "MONGO"
                                << "SID1"
                                << "CSE1"
                                << "" << 1LL << false;
    QTest::newRow("get nested spaced") << "MONGO.get ( ( SID1 , CSE1 ) )" << Op::Get << "MONGO"
                                       << "SID1"
                                       << "CSE1"
                                       << "" << 1LL << false;
    QTest::newRow("delete flat") << "5, REDIS.DELETE(SID1,CSE1)" << Op::Delete << "REDIS"
                                 << "SID1"
                                 << "CSE1"
                                 << "" << 5LL << true;
    QTest::newRow("delete nested") << "REDIS.Delete((SID1,CSE1))" << Op::Delete << "REDIS"
                                   << "SID1"
                                   << "CSE1"
                                   << "" << 1LL << false;
    QTest::newRow("merge") << "HIVE.MERGE(SQL)" << Op::Merge << "HIVE"
                           << "SQL"
                           << ""
                           << "" << 0LL << false;
    QTest::newRow("merge with ts") << "9, hive.merge( mysql )" << Op::Merge << "HIVE"
                                   << "MYSQL"
                                   << ""
                                   << "" << 9LL << true;
    QTest::newRow("full sync") << "FULL_SYNC" << Op::FullSync << ""
                               << ""
                               << ""
                               << "" << 0LL << false;
    QTest::newRow("full sync empty") << "4, full_sync ( )" << Op::FullSync << ""
                                     << ""
                                     << ""
                                     << "" << 4LL << true;
    QTest::newRow("identifier chars") << "S_1.SET((a.b-c_D9,X-1.2),A)" << Op::Set << "S_1"
                                      << "a.b-c_D9"
                                      << "X-1.2"
                                      << "A" << 1LL << false;
}

void TestParser::validLine() {
    QFETCH(QString, line);
    QFETCH(Op, op);
    QFETCH(QString, store);
    QFETCH(QString, sid);
    QFETCH(QString, cid);
    QFETCH(QString, value);
    QFETCH(qlonglong, ts);
    QFETCH(bool, explicitTs);

    const Script s = parseScript("t.in", line.toStdString());
    QVERIFY2(s.ok(), s.ok() ? "" : s.formatError(s.errors[0]).c_str());
    QCOMPARE(s.commands.size(), size_t(1));
    const Command& c = s.commands[0];
    QCOMPARE(c.op, op);
    QCOMPARE(c.line, 1u);
    QCOMPARE(c.explicitTs, explicitTs);
    if (op != Op::FullSync && op != Op::Merge)
        QCOMPARE(static_cast<qlonglong>(c.ts), ts);
    if (op != Op::FullSync)
        QCOMPARE(QString::fromStdString(s.names[c.store]), store);
    if (op == Op::Set || op == Op::Get || op == Op::Delete) {
        QCOMPARE(QString::fromStdString(std::string(s.view(c.studentId))), sid);
        QCOMPARE(QString::fromStdString(std::string(s.view(c.courseId))), cid);
    }
    if (op == Op::Set)
        QCOMPARE(QString::fromStdString(std::string(s.view(c.value))), value);
    if (op == Op::Merge) // the sid column holds the source store for merges
        QCOMPARE(QString::fromStdString(s.names[c.source]), sid);
}

void TestParser::blankAndCommentLines() {
    const Script s = parseScript("t.in", "\n   \n# comment\n  // another\n\t#x\nSQL.GET(a,b)\n\n");
    QVERIFY(s.ok());
    QCOMPARE(s.commands.size(), size_t(1));
    QCOMPARE(s.commands[0].line, 6u);
}

void TestParser::implicitTimestamps() {
    const Script s = parseScript("t.in",
                                 "SQL.SET((a,b),A)\n"     // 1 (none so far)
                                 "SQL.GET(a,b)\n"         // 2
                                 "10, SQL.SET((a,b),B)\n" // 10
                                 "3, SQL.DELETE(a,b)\n"   // 3 (explicit, smaller)
                                 "SQL.DELETE(a,b)\n"      // 11
                                 "99, SQL.MERGE(X)\n"     // no effect on the counter
                                 "FULL_SYNC\n"
                                 "SQL.GET(a,b)\n"); // 12
    QVERIFY(s.ok());
    const std::vector<int64_t> expected{1, 2, 10, 3, 11, 99, 0, 12};
    QCOMPARE(s.commands.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
        if (s.commands[i].op != Op::FullSync)
            QCOMPARE(s.commands[i].ts, expected[i]);

    const Script negative = parseScript("t.in", "-7, A.SET((a,b),A)\nA.GET(a,b)\n");
    QVERIFY(negative.ok());
    QCOMPARE(negative.commands[1].ts, int64_t(-6));
}

// The command bar parses one line at a time; the run's clock carries the greatest timestamp.
void TestParser::implicitTimestampsContinueAcrossParses() {
    TimestampClock clock;
    QCOMPARE(parseScript("bar", "SQL.SET((a,b),A)", &clock).commands[0].ts, int64_t(1));
    QCOMPARE(parseScript("bar", "40, SQL.GET(a,b)", &clock).commands[0].ts, int64_t(40));
    QCOMPARE(parseScript("bar", "SQL.DELETE(a,b)", &clock).commands[0].ts, int64_t(41));
    QVERIFY(!parseScript("bar", "SQL.SET((a b),A)", &clock).ok()); // errors leave it alone
    QCOMPARE(parseScript("bar", "SQL.MERGE(HIVE)", &clock).commands.size(), size_t(1));
    QCOMPARE(clock.greatest, int64_t(41));
    QCOMPARE(parseScript("bar", "SQL.GET(a,b)", &clock).commands[0].ts, int64_t(42));
}

void TestParser::quotedValueEscapes() {
    const Script s =
        parseScript("t.in", "A.SET((a,b),\"say \\\"hi\\\" \\\\ bye\")\nA.SET((a,b),\"plain\")");
    QVERIFY(s.ok());
    QCOMPARE(std::string(s.view(s.commands[0].value)), std::string("say \"hi\" \\ bye"));
    QCOMPARE(std::string(s.view(s.commands[1].value)), std::string("plain"));
}

void TestParser::fullSyncList() {
    const Script s = parseScript("t.in", "FULL_SYNC(sql, Mongo ,HIVE)\nFULL_SYNC(SQL)");
    QVERIFY(s.ok());
    QCOMPARE(s.commands[0].syncCount, uint16_t(3));
    QCOMPARE(s.names[s.syncList[0].name], std::string("SQL"));
    QCOMPARE(s.names[s.syncList[1].name], std::string("MONGO"));
    QCOMPARE(s.names[s.syncList[2].name], std::string("HIVE"));
    QCOMPARE(s.commands[1].syncCount, uint16_t(1));
    QCOMPARE(s.syncList[3].name, s.syncList[0].name);
}

void TestParser::crlfAndFinalLineWithoutNewline() {
    const Script s = parseScript("t.in", "1, A.SET((a,b),X)\r\n2, A.GET(a,b)\r\nA.GET(a,b)");
    QVERIFY(s.ok());
    QCOMPARE(s.commands.size(), size_t(3));
    QCOMPARE(std::string(s.view(s.commands[0].value)), std::string("X"));
    QCOMPARE(s.commands[2].line, 3u);
}

void TestParser::storeNamesAreCaseInsensitive() {
    const Script s = parseScript("t.in", "hive.GET(a,b)\nHive.GET(a,b)\nHIVE.GET(a,b)");
    QVERIFY(s.ok());
    QCOMPARE(s.names.size(), size_t(1));
    QCOMPARE(s.names[0], std::string("HIVE"));
}

void TestParser::malformedLine_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    const QByteArray longId(65, 'x');
    const QByteArray longValue(65, 'v');

    QTest::newRow("ts without comma")
        << QByteArray("1 HIVE.SET((A,B),C)") << 3 << "expected ',' after the timestamp";
    QTest::newRow("missing dot") << QByteArray("1, HIVE SET((A,B),C)") << 9
                                 << "expected '.' after the store name";
    QTest::newRow("unknown op") << QByteArray("HIVE.PUT((A,B),C)") << 6
                                << "unknown operation 'PUT': expected SET, GET, DELETE or MERGE";
    QTest::newRow("no op") << QByteArray("HIVE.(A,B)") << 6
                           << "expected an operation after '.': SET, GET, DELETE or MERGE";
    QTest::newRow("set single paren") << QByteArray("HIVE.SET(A,B),C)") << 10
                                      << "expected '(' before the key: SET((student,course),value)";
    QTest::newRow("set no paren") << QByteArray("HIVE.SET") << 9 << "expected '(' after SET";
    QTest::newRow("space in sid") << QByteArray("HIVE.SET((A B),C)") << 13
                                  << "expected ',' after student id";
    QTest::newRow("empty sid") << QByteArray("HIVE.SET((,B),C)") << 11 << "expected a student id";
    QTest::newRow("empty cid") << QByteArray("HIVE.SET((A,),C)") << 13 << "expected a course id";
    QTest::newRow("three ids") << QByteArray("HIVE.SET((A,B,C),D)") << 14
                               << "expected ')' after course id";
    QTest::newRow("no comma after key")
        << QByteArray("HIVE.SET((A,B)C)") << 15 << "expected ',' after the key";
    QTest::newRow("no value") << QByteArray("HIVE.SET((A,B),)") << 16 << "expected a value";
    QTest::newRow("unclosed set") << QByteArray("HIVE.SET((A,B),C") << 17
                                  << "expected ')' after the value";
    QTest::newRow("unterminated string") << QByteArray("HIVE.SET((A,B),\"C)") << 16
                                         << "unterminated string: expected a closing '\"'";
    QTest::newRow("bad escape") << QByteArray("HIVE.SET((A,B),\"a\\nb\")") << 18
                                << "invalid escape in value: only \\\" and \\\\ are allowed";
    QTest::newRow("empty quoted") << QByteArray("HIVE.SET((A,B),\"\")") << 16 << "value is empty";
    QTest::newRow("long value") << QByteArray("HIVE.SET((A,B),") + longValue + ")" << 16
                                << "value is longer than 64 bytes";
    QTest::newRow("long sid") << QByteArray("HIVE.SET((") + longId + ",B),C)" << 11
                              << "student id is longer than 64 bytes";
    QTest::newRow("long cid") << QByteArray("HIVE.GET(A,") + longId + ")" << 12
                              << "course id is longer than 64 bytes";
    QTest::newRow("trailing text")
        << QByteArray("HIVE.SET((A,B),C) extra") << 19 << "unexpected text after the command";
    QTest::newRow("slash comment after command")
        << QByteArray("HIVE.SET((A,B),C) // x") << 19 << "unexpected text after the command";
    QTest::newRow("get one id") << QByteArray("HIVE.GET(A)") << 11
                                << "expected ',' after student id";
    QTest::newRow("get nested unclosed")
        << QByteArray("HIVE.GET((A,B)") << 15 << "expected ')' to close GET";
    QTest::newRow("delete nested unclosed")
        << QByteArray("HIVE.DELETE((A,B) x") << 19 << "expected ')' to close DELETE";
    QTest::newRow("delete no paren")
        << QByteArray("HIVE.DELETE A,B") << 13 << "expected '(' after DELETE";
    QTest::newRow("merge empty") << QByteArray("HIVE.MERGE()") << 12
                                 << "expected a source store name";
    QTest::newRow("merge unclosed")
        << QByteArray("HIVE.MERGE(SQL") << 15 << "expected ')' after the source store name";
    QTest::newRow("merge two") << QByteArray("HIVE.MERGE(SQL,MONGO)") << 15
                               << "expected ')' after the source store name";
    QTest::newRow("sync trailing comma")
        << QByteArray("FULL_SYNC(A,)") << 13 << "expected a store name in FULL_SYNC's list";
    QTest::newRow("sync missing comma")
        << QByteArray("FULL_SYNC(A B)") << 13 << "expected ',' or ')' in FULL_SYNC's store list";
    QTest::newRow("ts overflow") << QByteArray("99999999999999999999, HIVE.GET(A,B)") << 1
                                 << "timestamp is out of the 64-bit range";
    QTest::newRow("ts just over max") << QByteArray("9223372036854775808, HIVE.GET(A,B)") << 1
                                      << "timestamp is out of the 64-bit range";
    QTest::newRow("sign only") << QByteArray("-, HIVE.GET(A,B)") << 2
                               << "expected digits of the timestamp";
    QTest::newRow("two timestamps") << QByteArray("1, 2, HIVE.GET(A,B)") << 4
                                    << "expected a store name or FULL_SYNC after the timestamp";
    QTest::newRow("leading paren")
        << QByteArray("(HIVE.GET(A,B))") << 1 << "expected a timestamp, a store name or FULL_SYNC";
    QTest::newRow("control char") << QByteArray("HIVE.SET((A,B),a\x01z)") << 16
                                  << "value contains a control character";
    QTest::newRow("invalid utf8") << QByteArray("HIVE.SET((A,B),a\xffz)") << 16
                                  << "value is not valid UTF-8";
    QTest::newRow("C1 control") << QByteArray("HIVE.SET((A,B),a\xc2\x85z)") << 16
                                << "value contains a control character";
    QTest::newRow("column counts characters")
        << QByteArray("HIVE.SET((A,B),\xc3\xa9) x") << 19 << "unexpected text after the command";
    QTest::newRow("bad char in id")
        << QByteArray("HIVE.SET((SID#1,B),C)") << 14 << "expected ',' after student id";
    QTest::newRow("long store name")
        << QByteArray("S") + longId + ".GET(a,b)" << 1 << "store name is longer than 64 bytes";
}

void TestParser::malformedLine() {
    QFETCH(QByteArray, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    const QByteArray script = QByteArray("# header\n\n") + line + "\nSQL.GET(a,b)\n";
    const Script s = parseScript("bad.in", script.toStdString());
    QCOMPARE(s.errors.size(), size_t(1));
    QCOMPARE(s.errors[0].line, 3u);
    QCOMPARE(static_cast<int>(s.errors[0].column), column);
    QCOMPARE(QString::fromStdString(s.errors[0].message), message);
}

void TestParser::everyBadLineIsReported() {
    const Script s = parseScript(
        "t.in", "A.SET((a,b),1)\nA.SET((a b),1)\nA.GET(a,b)\nA.FOO(a)\n9223372036854775807, "
                "A.GET(a,b)\nA.GET(a,b)\n");
    QCOMPARE(s.errors.size(), size_t(3));
    QCOMPARE(s.errors[0].line, 2u);
    QCOMPARE(s.errors[1].line, 4u);
    QCOMPARE(s.errors[2].line, 6u);
    QCOMPARE(s.errors[2].message,
             std::string("the implicit timestamp would exceed the 64-bit range"));
}

// A million bad lines keep kMaxErrorsShown errors (the first, in order) and count the rest.
void TestParser::errorsPastTheLimitAreCountedNotKept() {
    std::string text;
    for (int i = 0; i < 1000000; ++i)
        text += "bad line\n";
    const Script s = parseScript("t.in", std::move(text));
    QCOMPARE(s.errors.size(), kMaxErrorsShown);
    QCOMPARE(s.errors.front().line, 1u);
    QCOMPARE(s.errors.back().line, static_cast<uint32_t>(kMaxErrorsShown));
    QCOMPARE(s.moreErrors, 1000000 - kMaxErrorsShown);
    QCOMPARE(moreErrorsLine(s.moreErrors), std::string("\u2026 and 999980 more errors"));
    QCOMPARE(moreErrorsLine(1), std::string("\u2026 and 1 more error"));
    QVERIFY(moreErrorsLine(0).empty());
}

// Names are hashed, not searched: 60,000 different ones take well under a second (a search per
// line took minutes), and each keeps its own index.
void TestParser::manyStoreNamesParseQuickly() {
    std::string text;
    for (int i = 0; i < 60000; ++i)
        text += "S" + std::to_string(i) + ".GET(a,b)\ns" + std::to_string(i) + ".GET(a,b)\n";
    QElapsedTimer clock;
    clock.start();
    const Script s = parseScript("t.in", std::move(text));
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(s.ok());
    QCOMPARE(s.names.size(), size_t(60000));
    QCOMPARE(s.commands[2 * 4321].store, s.commands[2 * 4321 + 1].store);
    QCOMPARE(s.names[s.commands[2 * 4321].store], std::string("S4321"));
}

// Without a workspace the run's stores are the names the script gives, at most kMaxStores: the
// first mention of one more is the one error (its line and column), aliases of a store already
// there still bind, and the run keeps kMaxStores stores.
void TestParser::aRunHasAtMostMaxStores() {
    std::string text;
    for (size_t i = 0; i < kMaxStores + 5; ++i)
        text += "  S" + std::to_string(i) + ".SET((a,b),A)\n";
    text += "S64.GET(a,b)\nMYSQL.GET(a,b)\nSQL.MERGE(S0)\n";
    const Script s = parseScript("t.in", std::move(text));
    QVERIFY(s.ok());
    StoreBinding binding;
    const ErrorList errors = checkScript(s, nullptr, binding);
    QCOMPARE(errors.shown.size(), size_t(1));
    QCOMPARE(errors.more, size_t(0));
    QCOMPARE(s.formatError(errors.shown[0]),
             std::string("t.in:65:3: store S64 would be store 65: a run has at most 64 stores"));
    QCOMPARE(binding.stores.size(), kMaxStores);
}

// A script's parse errors and its binding's come as one list in order of line and column,
// capped as one.
void TestParser::parseAndBindingErrorsMergeInOrder() {
    std::string text;
    for (int i = 0; i < 30; ++i)
        text += i % 2 ? "CSV.GET(a,b)\n" : "bad\n";
    const Script s = parseScript("t.in", std::move(text));
    StoreBinding binding;
    const ErrorList errors = checkScript(s, nullptr, binding);
    QCOMPARE(errors.shown.size(), kMaxErrorsShown);
    QCOMPARE(errors.more, size_t(30) - kMaxErrorsShown);
    for (size_t i = 0; i < errors.shown.size(); ++i)
        QCOMPARE(errors.shown[i].line, static_cast<uint32_t>(i + 1));
}

// The scanner relies on the '\0' std::string keeps after the text: a script cut anywhere must
// give one error on its last line, never a read past the end.
void TestParser::textEndingMidCommand() {
    const std::string full = "1, A.SET((s,c),\"v\") # c\n2, FULL_SYNC(A, B)\n3, A.GET((s,c))";
    for (size_t cut = 1; cut < full.size(); ++cut) {
        const Script s = parseScript("t.in", full.substr(0, cut));
        for (const ScriptError& e : s.errors)
            QVERIFY(e.line >= 1 && e.line <= 3);
        QVERIFY(s.errors.size() <= 1);
    }
    const Script nul = parseScript("t.in", std::string("A.SET((s,c),x\0y)", 17));
    QCOMPARE(nul.errors.size(), size_t(1));
    QCOMPARE(nul.errors[0].message, std::string("value contains a control character"));
    const Script nulOutside = parseScript("t.in", std::string("A.GET(s,c)\0", 11));
    QCOMPARE(nulOutside.errors.size(), size_t(1));
    QCOMPARE(nulOutside.errors[0].message, std::string("unexpected text after the command"));
}

void TestParser::errorFormat() {
    const Script s = parseScript("t.in", "\n\n\n\n\n\nHIVE.SET((SID1 x");
    QCOMPARE(s.errors.size(), size_t(1));
    QCOMPARE(s.formatError(s.errors[0]), std::string("t.in:7:16: expected ',' after student id"));
}

QTEST_APPLESS_MAIN(TestParser)
#include "tst_parser.moc"
