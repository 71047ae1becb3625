// Server passwords from the system keychain: the GUI reads a server store's password
// from the Secret Service before it logs in, keeps the one typed in Store > Add / Edit /
// Password there (never in the workspace file), and forgets it on request. ctest runs this
// test inside tests/support/with-secret-service: a private D-Bus session and an unlocked
// gnome-keyring in a throwaway home. The login is checked on the lab's MariaDB, whose account
// needs a password.
#include "consoleview.h"
#include "dataactions.h"
#include "guiapp.h"
#include "guidriver.h"
#include "guihost.h"
#include "keychainpasswords.h"
#include "labservers.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "mergedialog.h"
#include "secretsearch.h"
#include "storedialog.h"
#include "workspaceactions.h"
#include "workspacefile.h"
#include "workspacesession.h"

#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

namespace {

// The keychain answers through the event loop, so the wait spins it (a blocking wait would
// never see the answer); no answer at all ends the test run.
template <class T>
T await(QFuture<T> future) {
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        qFatal("the keychain did not answer within 20 s");
    return future.result();
}

} // namespace

class TestGuiKeychain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void passwordsAreSavedReadAndForgotten();
    void storeLogsInWithTheSavedPassword();
    void storeMenuKeepsThePasswordOutOfTheWorkspace();
    void environmentVariableComesFirst();
    void dialogOffersAPasswordOnlyForServers();
    void noWindowOutputHoldsThePassword();
    // Run by the ctest entry without a Secret Service (SYNCSCOPE_TEST_NO_KEYRING=1).
    void unreachableKeychainIsNamedWhenTheLoginFails();

private:
    // The state the summary shows for the store once its open has answered.
    QString openedState();
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
    QString uri_;
    bool keyringExpected_ = !qEnvironmentVariableIsSet("SYNCSCOPE_TEST_NO_KEYRING");
};

void TestGuiKeychain::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    uri_ = lab::freshDatabase(servers_->mariadb, servers_->password, problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    qunsetenv("SYNCSCOPE_PASSWORD_KC");
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeTest"));
    // A keychain that cannot be reached would make every test below fail for that reason.
    const keychain::Answer reach = await(keychain::readPassword(QStringLiteral("probe://")));
    if (keyringExpected_)
        QVERIFY2(reach.problem.isEmpty(),
                 qPrintable(QStringLiteral("no Secret Service: ") + reach.problem));
    else
        QVERIFY2(!reach.problem.isEmpty(), "a Secret Service answered where none should be");
}

QString TestGuiKeychain::openedState() {
    WorkspaceSession session({{"KC", {}, uri_.toStdString()}});
    QSignalSpy opened(&session, &WorkspaceSession::allOpened);
    session.openAll();
    if (!opened.wait(20000))
        return QStringLiteral("no answer");
    return session.summary()->store(0).state;
}

void TestGuiKeychain::passwordsAreSavedReadAndForgotten() {
    const QString uri = QStringLiteral("mysql://someone@127.0.0.1:1/db");
    keychain::Answer a = await(keychain::readPassword(uri));
    QVERIFY(a.password.isNull());
    QVERIFY2(a.problem.isEmpty(), qPrintable(a.problem));

    QCOMPARE(await(keychain::savePassword(uri, QStringLiteral("pä55 word"))), QString());
    a = await(keychain::readPassword(uri));
    QCOMPARE(a.password, QStringLiteral("pä55 word"));
    // Another URI (another account) is not offered that password.
    QVERIFY(await(keychain::readPassword(QStringLiteral("mysql://someone@127.0.0.1:2/db")))
                .password.isNull());

    QCOMPARE(await(keychain::forgetPassword(uri)), QString());
    QVERIFY(await(keychain::readPassword(uri)).password.isNull());
    QCOMPARE(await(keychain::forgetPassword(uri)), QString()); // nothing left to forget
}

void TestGuiKeychain::storeLogsInWithTheSavedPassword() {
    QCOMPARE(await(keychain::forgetPassword(uri_)), QString());
    const QString refused = openedState();
    QVERIFY2(refused.startsWith(QStringLiteral("failed:")) &&
                 refused.contains(QStringLiteral("Access denied")),
             qPrintable(refused));

    QCOMPARE(await(keychain::savePassword(uri_, servers_->password)), QString());
    const QString state = openedState();
    QVERIFY2(!state.startsWith(QStringLiteral("failed")), qPrintable(state));

    QCOMPARE(await(keychain::savePassword(uri_, QStringLiteral("not the password"))), QString());
    QVERIFY(openedState().contains(QStringLiteral("Access denied")));
}

void TestGuiKeychain::storeMenuKeepsThePasswordOutOfTheWorkspace() {
    QCOMPARE(await(keychain::forgetPassword(uri_)), QString());
    GuiHost host;
    QSignalSpy changed(&host, &GuiHost::appChanged);
    host.open({{"KC", {}, uri_.toStdString()}}, QStringLiteral("keychain"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands() != nullptr, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        host.app()->session()->summary()->store(0).state.contains(QStringLiteral("Access denied")),
        20000);

    // Store > Password > KC…: kept in the keychain, then the store logs in again with it.
    host.app()->workspace()->setPassword(0, servers_->password);
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, 20000);
    QCOMPARE(await(keychain::readPassword(uri_)).password, servers_->password);
    QTRY_VERIFY_WITH_TIMEOUT(
        host.app()->session()->summary()->store(0).state == QStringLiteral("connected"), 20000);

    const QString saved = dir_.filePath(QStringLiteral("keychain.json"));
    QVERIFY(host.app()->workspace()->saveWorkspace(saved).isEmpty());
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(servers_->password.toUtf8()));

    // Editing the store with a new password replaces the saved one; an empty one forgets it.
    host.app()->workspace()->replaceStore(0, {"KC", {"K2"}, uri_.toStdString()},
                                          QStringLiteral("another"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 3, 20000);
    QCOMPARE(await(keychain::readPassword(uri_)).password, QStringLiteral("another"));
    host.app()->workspace()->setPassword(0, QString());
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 4, 20000);
    QVERIFY(await(keychain::readPassword(uri_)).password.isNull());
}

void TestGuiKeychain::environmentVariableComesFirst() {
    QCOMPARE(await(keychain::savePassword(uri_, servers_->password)), QString());
    qputenv("SYNCSCOPE_PASSWORD_KC", "wrong");
    const QString state = openedState();
    qunsetenv("SYNCSCOPE_PASSWORD_KC");
    QVERIFY2(state.contains(QStringLiteral("Access denied")), qPrintable(state));
}

void TestGuiKeychain::dialogOffersAPasswordOnlyForServers() {
    StoreDialog server({"KC", {}, uri_.toStdString()}, {});
    auto* field = server.findChild<QLineEdit*>(QStringLiteral("store-password"));
    QVERIFY(field);
    QCOMPARE(field->echoMode(), QLineEdit::Password);
    QVERIFY(field->isEnabled());
    field->setText(QStringLiteral("typed"));
    QCOMPARE(server.password(), QStringLiteral("typed"));

    auto* uri = server.findChild<QLineEdit*>(QStringLiteral("store-uri"));
    uri->setText(QStringLiteral("sqlite:///tmp/x.db"));
    QVERIFY(!field->isEnabled());
    QCOMPARE(server.password(), QString());
}

namespace {
// Every message the program logs (qDebug … qFatal), for the password search below.
QByteArray& logged() {
    static QByteArray all;
    return all;
}
QtMessageHandler previousHandler = nullptr;
void keepMessage(QtMsgType type, const QMessageLogContext& context, const QString& text) {
    logged() += text.toUtf8() + '\n';
    if (previousHandler)
        previousHandler(type, context, text);
}
} // namespace

// With the store's password in the keychain, a session of the window (writes, a
// merge with its audit entries, a login refused for a wrong password) leaves the password in
// none of what it shows or writes: the console, the status bar, the store's state, every log
// message, the saved workspace, the audit database and its CSV, JSON and HTML exports, the
// oplog exports.
void TestGuiKeychain::noWindowOutputHoldsThePassword() {
    const QByteArray secret = servers_->password.toUtf8();
    QCOMPARE(await(keychain::savePassword(uri_, servers_->password)), QString());
    previousHandler = qInstallMessageHandler(keepMessage);
    QTemporaryDir out;
    QVERIFY(out.isValid());
    {
        GuiHost host;
        host.open(
            {{"KC", {}, uri_.toStdString()},
             {"L",
              {},
              (QStringLiteral("sqlite://") + out.filePath(QStringLiteral("l.db"))).toStdString()}},
            QStringLiteral("credentials"));
        QTRY_VERIFY_WITH_TIMEOUT(host.app()->commands() != nullptr, 5000);
        GuiApp& app = *host.app();
        QTRY_VERIFY_WITH_TIMEOUT(
            app.session()->summary()->store(0).state == QStringLiteral("connected"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
        lab::typeLine(app, QStringLiteral("1, KC.SET((SID1,CSE1),A)"));
        lab::typeLine(app, QStringLiteral("2, L.SET((SID1,CSE1),B)"));
        lab::typeLine(app, QStringLiteral("3, L.SET((SID2,CSE1),C)"));
        QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(app, 1, "SID2", "CSE1"), QStringLiteral("C"),
                                  10000);
        MergeDialog* dialog = app.merges()->openMergeDialog();
        MergeRequest request;
        request.targets = {0};
        request.sources = {1};
        dialog->setRequest(request, {});
        QTRY_VERIFY_WITH_TIMEOUT(dialog->applyButton()->isEnabled(), 10000);
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("Verified")), 20000);
        QSignalSpy exported(app.merges(), &MergeActions::auditExported);
        for (const char* format : {"csv", "json", "html"})
            app.merges()->exportAuditLog(
                QString::fromLatin1(format),
                out.filePath(QStringLiteral("audit.") + QString::fromLatin1(format)));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 3, 10000);
        QSignalSpy oplogs(app.data(), &DataActions::oplogsExported);
        app.data()->exportOplogs(out.path());
        QTRY_COMPARE_WITH_TIMEOUT(oplogs.count(), 1, 10000);
        QVERIFY(app.workspace()->saveWorkspace(out.filePath(QStringLiteral("ws.json"))).isEmpty());

        // A wrong password: the refusal is shown, the password is not.
        const QByteArray wrong = "Wr0ng-" + secret.toHex();
        app.workspace()->setPassword(0, QString::fromUtf8(wrong));
        QTRY_VERIFY_WITH_TIMEOUT(host.app()->session()->summary()->store(0).state.contains(
                                     QStringLiteral("Access denied")),
                                 20000);
        GuiApp& again = *host.app();
        const QByteArray shown = again.console()->toPlainText().toUtf8() + '\n' +
                                 again.window()->statusBar()->currentMessage().toUtf8() + '\n' +
                                 again.session()->summary()->store(0).state.toUtf8();
        QVERIFY(!shown.contains(secret) && !shown.contains(wrong));
        QVERIFY(!logged().contains(secret) && !logged().contains(wrong));
        const lab::SecretSearch found = lab::searchFiles(out.path(), {secret, wrong});
        QVERIFY2(found.holding.isEmpty(), qPrintable(found.holding.join(QStringLiteral(", "))));
        const int files = found.files;
        QFile audit(qEnvironmentVariable("SYNCSCOPE_AUDIT_DB"));
        QVERIFY(audit.open(QIODevice::ReadOnly));
        QVERIFY(!audit.readAll().contains(secret));
        QVERIFY2(files >= 6, qPrintable(QString::number(files)));
        qInfo("credentials | window: %d files, the console, the status bar and %lld bytes of "
              "log searched, no password found",
              files, static_cast<long long>(logged().size()));
        host.app()->workspace()->setPassword(0, QString()); // the app was made anew above
    }
    qInstallMessageHandler(previousHandler);
}

void TestGuiKeychain::unreachableKeychainIsNamedWhenTheLoginFails() {
    if (keyringExpected_)
        QSKIP("needs SYNCSCOPE_TEST_NO_KEYRING=1 (its own ctest entry, with no Secret Service)");
    const QString state = openedState();
    QVERIFY2(state.contains(QStringLiteral("Access denied")) &&
                 state.contains(QStringLiteral("(the keychain could not be read: ")),
             qPrintable(state));
    // With the password in the environment, the keychain is not asked at all.
    qputenv("SYNCSCOPE_PASSWORD_KC", servers_->password.toUtf8());
    const QString withEnvironment = openedState();
    qunsetenv("SYNCSCOPE_PASSWORD_KC");
    QVERIFY2(!withEnvironment.startsWith(QStringLiteral("failed")), qPrintable(withEnvironment));
}

QTEST_MAIN(TestGuiKeychain)
#include "tst_guikeychain.moc"
