// A MongoDB server with authentication (the peer with --user, SCRAM-SHA-256 and SCRAM-SHA-1):
// the store logs in with the password from SYNCSCOPE_PASSWORD_<STORE> or from the keychain,
// as a user of its own database or of admin (authSource), names itself when the password is
// wrong, and, when the URI names no user (the password is then never used and the first write
// is refused with 13), says to put one there. ctest runs it inside
// tests/support/with-secret-service, a Secret Service of its own, for the keychain case.
#include "keychainpasswords.h"
#include "logrecords.h"
#include "mongopeer.h"
#include "mongoraw.h"
#include "storefactory.h"

#include <QTest>

using namespace syncscope;

namespace {

#define QVERIFY_OK(expr)                                                                           \
    do {                                                                                           \
        const auto& done_ = (expr);                                                                \
        QVERIFY2(done_.ok(), done_.ok() ? "" : qPrintable(done_.error().toString()));              \
    } while (false)

const char* const kAdminPassword = "adm1n-Secret";
const char* const kOwnPassword = "own-Secret-2";

template <class T>
T await(QFuture<T> future) {
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        qFatal("the keychain did not answer within 20 s");
    return future.result();
}

} // namespace

class TestMongoAuth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void adminUserWithAuthSource_data();
    void adminUserWithAuthSource();
    void userOfTheStoresOwnDatabase();
    void wrongPasswordNamesTheStore();
    void noUserInTheUriSaysToPutOneThere();
    void passwordFromTheKeychain();
    void unauthenticatedCommandsAreRefused();
    void loginRidesOnTheHandshake();

private:
    QString uri(const QString& user, const QString& database, const QString& options = {}) const {
        return QStringLiteral("mongodb://%1@127.0.0.1:%2/%3%4")
            .arg(user)
            .arg(peer_.port())
            .arg(database, options);
    }
    lab::MongoPeer peer_;
};

void TestMongoAuth::initTestCase() {
    QString problem;
    QVERIFY2(
        peer_.start(problem, {QStringLiteral("--user"),
                              QStringLiteral("alice:%1").arg(QLatin1String(kAdminPassword)),
                              QStringLiteral("--user"),
                              QStringLiteral("bob:%1@owndb").arg(QLatin1String(kOwnPassword))}),
        qPrintable(problem));
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
}

void TestMongoAuth::init() {
    qunsetenv("SYNCSCOPE_PASSWORD_MONGO");
}

void TestMongoAuth::adminUserWithAuthSource_data() {
    QTest::addColumn<QString>("options");
    QTest::newRow("SCRAM-SHA-256 (negotiated)") << QStringLiteral("?authSource=admin");
    QTest::newRow("SCRAM-SHA-1") << QStringLiteral("?authSource=admin&authMechanism=SCRAM-SHA-1");
}

// alice is a user of admin: the URI says so with authSource; the password comes from the
// environment.
void TestMongoAuth::adminUserWithAuthSource() {
    QFETCH(QString, options);
    qputenv("SYNCSCOPE_PASSWORD_MONGO", kAdminPassword);
    const QString database = QStringLiteral("a%1").arg(QTest::currentDataTag()[12] == '1');
    auto made = StoreFactory::create(QStringLiteral("MONGO"),
                                     uri(QStringLiteral("alice"), database, options));
    QVERIFY_OK(made);
    auto& store = made.value();
    QVERIFY_OK(store->open());
    QVERIFY_OK(store->append(std::vector{setRecord("SID1", "CSE1", "A", 1, "MONGO", 1)}, {}));
    QCOMPARE(store->readKey("SID1", "CSE1").value()->value, std::string("A"));
    // Without authSource the driver looks for alice in the URI's database: not there.
    auto elsewhere = StoreFactory::create(QStringLiteral("MONGO"),
                                          uri(QStringLiteral("alice"), QStringLiteral("x1")));
    QVERIFY_OK(elsewhere);
    const Status refused = elsewhere.value()->open();
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QLatin1String("Authentication failed")),
             qPrintable(refused.error().toString()));
}

// bob is a user of owndb, the store's database: no authSource needed.
void TestMongoAuth::userOfTheStoresOwnDatabase() {
    qputenv("SYNCSCOPE_PASSWORD_MONGO", kOwnPassword);
    auto made = StoreFactory::create(QStringLiteral("MONGO"),
                                     uri(QStringLiteral("bob"), QStringLiteral("owndb")));
    QVERIFY_OK(made);
    QVERIFY_OK(made.value()->open());
    QVERIFY_OK(
        made.value()->append(std::vector{setRecord("SID2", "CSE1", "B", 1, "MONGO", 1)}, {}));
}

void TestMongoAuth::wrongPasswordNamesTheStore() {
    qputenv("SYNCSCOPE_PASSWORD_MONGO", "not-the-password");
    auto made = StoreFactory::create(
        QStringLiteral("MONGO"),
        uri(QStringLiteral("alice"), QStringLiteral("w"), QStringLiteral("?authSource=admin")));
    QVERIFY_OK(made);
    const Status s = made.value()->open();
    QVERIFY(!s);
    QCOMPARE(s.error().store, QStringLiteral("MONGO"));
    QVERIFY2(s.error().message.contains(QLatin1String("Authentication failed")),
             qPrintable(s.error().toString()));
    QVERIFY(!s.error().toString().contains(QLatin1String("not-the-password")));
}

// No user in the URI: ping answers, the first write is refused (13), and the store says what
// to do; the password in the environment was never used.
void TestMongoAuth::noUserInTheUriSaysToPutOneThere() {
    qputenv("SYNCSCOPE_PASSWORD_MONGO", kAdminPassword);
    auto made = StoreFactory::create(
        QStringLiteral("MONGO"), QStringLiteral("mongodb://127.0.0.1:%1/nouser").arg(peer_.port()));
    QVERIFY_OK(made);
    const Status s = made.value()->open();
    QVERIFY(!s);
    QCOMPARE(s.error().store, QStringLiteral("MONGO"));
    QVERIFY2(s.error().message.contains(QLatin1String("requires authentication")) &&
                 s.error().message.contains(QLatin1String("put a user in the URI")) &&
                 s.error().message.contains(QLatin1String("SYNCSCOPE_PASSWORD_MONGO")),
             qPrintable(s.error().toString()));
}

// The password kept in the keychain for the URI, as the GUI saves it, and as the CLI and the
// GUI pass it to the factory.
void TestMongoAuth::passwordFromTheKeychain() {
    const QString where =
        uri(QStringLiteral("alice"), QStringLiteral("kc"), QStringLiteral("?authSource=admin"));
    const QString saved = await(keychain::savePassword(where, QLatin1String(kAdminPassword)));
    QVERIFY2(saved.isEmpty(), qPrintable(QStringLiteral("cannot save in the keychain: ") + saved));
    const keychain::Answer read = await(keychain::readPassword(where));
    QVERIFY2(read.problem.isEmpty(), qPrintable(read.problem));
    QCOMPARE(read.password, QLatin1String(kAdminPassword));
    auto made = StoreFactory::create(QStringLiteral("MONGO"), where, read.password);
    QVERIFY_OK(made);
    QVERIFY_OK(made.value()->open());
    QVERIFY_OK(
        made.value()->append(std::vector{setRecord("SID3", "CSE1", "C", 1, "MONGO", 1)}, {}));
    await(keychain::forgetPassword(where));
}

// What mongod answers a connection that has not logged in: hello and ping, nothing else.
void TestMongoAuth::unauthenticatedCommandsAreRefused() {
    lab::RawDatabase raw(QStringLiteral("mongodb://127.0.0.1:%1/open").arg(peer_.port()));
    QString error;
    raw.command(R"({"ping": 1})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    raw.command(R"({"find": "c", "filter": {}})", &error);
    QVERIFY2(error == QLatin1String("13: command find requires authentication"), qPrintable(error));
    const QString hello =
        raw.command(R"({"hello": 1, "saslSupportedMechs": "admin.alice"})", &error, "admin");
    QVERIFY2(hello.contains(QLatin1String("\"saslSupportedMechs\" : [ \"SCRAM-SHA-1\", "
                                          "\"SCRAM-SHA-256\" ]")),
             qPrintable(hello));
}

// libmongoc sends SCRAM's first step inside its handshake (speculative authentication, MongoDB
// 4.4): with saslStart failing as a command, the store still logs in.
void TestMongoAuth::loginRidesOnTheHandshake() {
    const QString where =
        uri(QStringLiteral("alice"), QStringLiteral("spec"), QStringLiteral("?authSource=admin"));
    lab::RawDatabase admin(QStringLiteral("mongodb://alice:%1@127.0.0.1:%2/admin")
                               .arg(QLatin1String(kAdminPassword))
                               .arg(peer_.port()));
    QString error;
    admin.command(R"({"configureFailPoint": "failCommand", "mode": "alwaysOn",
        "data": {"failCommands": ["saslStart"], "errorCode": 18}})",
                  &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    qputenv("SYNCSCOPE_PASSWORD_MONGO", kAdminPassword);
    auto made = StoreFactory::create(QStringLiteral("MONGO"), where);
    QVERIFY_OK(made);
    const Status opened = made.value()->open();
    admin.command(R"({"configureFailPoint": "failCommand", "mode": "off"})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY_OK(opened);
}

QTEST_GUILESS_MAIN(TestMongoAuth)
#include "tst_mongoauth.moc"
