// The store dialog's connection fields (issues 3 and 5): generated from each kind's
// BackendOption list, and kept in step with the URI both ways.
#include "storedialog.h"
#include "storefactory.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

using namespace syncscope;

class TestStoreDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fieldsAreTheKindsOptions();
    void fieldsWriteTheirPartOfTheUri();
    void aTypedUriFillsTheFieldsAndPicksTheKind();
    void urisWithoutFieldsShowNone();
    void renamingOnTheSameDatabaseIsRefused();
    void hiveTlsAndHttpFieldsRoundTrip();
    void captureFieldPicksTriggersOrLog();

private:
    static QLineEdit* text(StoreDialog& d, const char* name) {
        return d.findChild<QLineEdit*>(QLatin1String(name));
    }
    static QComboBox* choice(StoreDialog& d, const char* name) {
        return d.findChild<QComboBox*>(QLatin1String(name));
    }
    // What a user does: types into a field (textEdited), or picks from a list (activated).
    static void type(QLineEdit* edit, const QString& value) {
        edit->selectAll();
        if (value.isEmpty())
            QTest::keyClick(edit, Qt::Key_Backspace);
        else
            QTest::keyClicks(edit, value);
    }
    static void pick(QComboBox* box, const QString& value) {
        box->setCurrentIndex(box->findData(value));
        Q_EMIT box->activated(box->currentIndex());
    }
};

void TestStoreDialog::fieldsAreTheKindsOptions() {
    for (const BackendDescription& b : StoreFactory::backends()) {
        StoreDialog d({"S", {}, (b.scheme + QStringLiteral("://127.0.0.1/x")).toStdString()}, {});
        int shown = 0;
        for (QWidget* w : d.findChildren<QWidget*>())
            if (w->objectName().startsWith(QLatin1String("store-option-")))
                ++shown;
        QCOMPARE(shown, static_cast<int>(b.options.size()));
    }
}

void TestStoreDialog::fieldsWriteTheirPartOfTheUri() {
    StoreDialog d({"SQL", {}, "mysql://root@db.lab/grades?read_timeout=30"}, {});
    QLineEdit* uri = text(d, "store-uri");
    type(text(d, "store-option-host"), QStringLiteral("127.0.0.1"));
    type(text(d, "store-option-port"), QStringLiteral("13306"));
    type(text(d, "store-option-database"), QStringLiteral("syncscope"));
    type(text(d, "store-option-user"), QStringLiteral("grader"));
    pick(choice(d, "store-option-tls"), QStringLiteral("verify-ca"));
    type(text(d, "store-option-ssl_ca"), QStringLiteral("/etc/lab/ca & key.pem"));
    const QUrl url(uri->text());
    QCOMPARE(url.scheme(), QStringLiteral("mysql"));
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(url.port(), 13306);
    QCOMPARE(url.path(), QStringLiteral("/syncscope"));
    QCOMPARE(url.userName(), QStringLiteral("grader"));
    const QUrlQuery query(url);
    QCOMPARE(query.queryItemValue(QStringLiteral("tls")), QStringLiteral("verify-ca"));
    QCOMPARE(query.queryItemValue(QStringLiteral("ssl_ca"), QUrl::FullyDecoded),
             QStringLiteral("/etc/lab/ca & key.pem"));
    // An option the fields do not show stays as it was typed.
    QCOMPARE(query.queryItemValue(QStringLiteral("read_timeout")), QStringLiteral("30"));
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));

    // An emptied field takes its part out again; the port takes digits only.
    type(text(d, "store-option-port"), QString());
    QCOMPARE(QUrl(uri->text()).port(), -1);
    type(text(d, "store-option-port"), QStringLiteral("x7"));
    QCOMPARE(text(d, "store-option-port")->text(), QStringLiteral("7"));
    pick(choice(d, "store-option-tls"), QString());
    QVERIFY(!QUrlQuery(QUrl(uri->text())).hasQueryItem(QStringLiteral("tls")));
}

void TestStoreDialog::aTypedUriFillsTheFieldsAndPicksTheKind() {
    StoreDialog d({"SQL", {}, "mysql://root@127.0.0.1:3306/db"}, {});
    QLineEdit* uri = text(d, "store-uri");
    type(uri, QStringLiteral("hive2://hs2.lab:10001/marks?auth=NOSASL&connect_timeout=5"));
    QCOMPARE(d.findChild<QComboBox*>(QStringLiteral("store-kind"))->currentText(),
             QStringLiteral("Apache Hive"));
    QCOMPARE(text(d, "store-option-host")->text(), QStringLiteral("hs2.lab"));
    QCOMPARE(text(d, "store-option-port")->text(), QStringLiteral("10001"));
    QCOMPARE(text(d, "store-option-database")->text(), QStringLiteral("marks"));
    QCOMPARE(choice(d, "store-option-auth")->currentData().toString(), QStringLiteral("NOSASL"));
    QCOMPARE(text(d, "store-option-connect_timeout")->text(), QStringLiteral("5"));
    QVERIFY(!text(d, "store-option-ssl_ca")); // MySQL's fields went with its kind
}

void TestStoreDialog::urisWithoutFieldsShowNone() {
    StoreDialog d({"MONGO", {}, "mongodb://a.lab:27017,b.lab:27017/db?replicaSet=rs0"}, {});
    QVERIFY(!d.findChild<QGroupBox*>()->isVisibleTo(&d));
    QCOMPARE(text(d, "store-uri")->text(),
             QStringLiteral("mongodb://a.lab:27017,b.lab:27017/db?replicaSet=rs0"));
}

// A store's database keeps its name: SQLITE renamed to LOCAL on the same file would refuse to
// open ("holds store SQLITE"), and the workspace was saved so. OK says why and stays; a new
// database, or the new name as an alias, is accepted.
void TestStoreDialog::renamingOnTheSameDatabaseIsRefused() {
    StoreDialog d({"SQLITE", {}, "sqlite:///tmp/grades-sqlite.db"}, {});
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    type(text(d, "store-name"), QStringLiteral("LOCAL"));
    QVERIFY(d.problem().contains(QStringLiteral("holds store SQLITE")));
    QVERIFY(d.problem().contains(QStringLiteral("alias")));
    d.accept();
    QCOMPARE(d.result(), int(QDialog::Rejected)); // not accepted: still open, saying why
    auto* error = d.findChild<QLabel*>(QStringLiteral("store-error"));
    QVERIFY(error->text().contains(QStringLiteral("would refuse to open as LOCAL")));
    QTRY_VERIFY(error->height() >= error->heightForWidth(error->width())); // no line cut off
    type(text(d, "store-uri"), QStringLiteral("sqlite:///tmp/grades-local.db"));
    QCOMPARE(d.problem(), QString());
    type(text(d, "store-uri"), QStringLiteral("sqlite:///tmp/grades-sqlite.db"));
    type(text(d, "store-name"), QStringLiteral("SQLITE"));
    type(text(d, "store-aliases"), QStringLiteral("LOCAL"));
    QCOMPARE(d.problem(), QString());
}

// A Hive store's TLS, CA file (picked through the file chooser), transport and HTTP path write
// Hive's JDBC options into the URI, and a URI with them fills the fields again.
void TestStoreDialog::hiveTlsAndHttpFieldsRoundTrip() {
    QTemporaryDir dir;
    const QString ca = dir.filePath(QStringLiteral("lab ca.pem"));
    QFile file(ca);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    StoreDialog d({"HIVE", {}, "hive2://hs2.lab/grades?auth=PLAIN&read_timeout=30"}, {});
    QLineEdit* uri = text(d, "store-uri");
    pick(choice(d, "store-option-ssl"), QStringLiteral("true"));
    pick(choice(d, "store-option-transportMode"), QStringLiteral("http"));
    type(text(d, "store-option-httpPath"), QStringLiteral("gateway/cliservice"));

    // The chooser's (non-native) dialog runs its own event loop: a timer finds it and types
    // the file's name, as a user would.
    qputenv("SYNCSCOPE_NON_NATIVE_DIALOGS", "1");
    auto* driver = new QTimer(this);
    connect(driver, &QTimer::timeout, this, [ca, driver] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<QFileDialog*>(w);
            if (dialog && dialog->isVisible()) {
                driver->stop();
                dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))->setText(ca);
                QMetaObject::invokeMethod(dialog, "accept");
                return;
            }
        }
    });
    driver->start(50);
    d.findChild<QPushButton*>(QStringLiteral("store-choose-sslCaFile"))->click();
    QCOMPARE(text(d, "store-option-sslCaFile")->text(), ca);

    const QUrlQuery query{QUrl(uri->text())};
    QCOMPARE(query.queryItemValue(QStringLiteral("ssl")), QStringLiteral("true"));
    QCOMPARE(query.queryItemValue(QStringLiteral("sslCaFile"), QUrl::FullyDecoded), ca);
    QCOMPARE(query.queryItemValue(QStringLiteral("transportMode")), QStringLiteral("http"));
    QCOMPARE(query.queryItemValue(QStringLiteral("httpPath"), QUrl::FullyDecoded),
             QStringLiteral("gateway/cliservice"));
    QCOMPARE(query.queryItemValue(QStringLiteral("read_timeout")), QStringLiteral("30"));
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
    QVERIFY2(StoreFactory::checkUri(uri->text()).isEmpty(),
             qPrintable(StoreFactory::checkUri(uri->text())));

    // And back: a dialog opened on that URI shows the same settings.
    StoreDialog again({"HIVE", {}, uri->text().toStdString()}, {});
    QCOMPARE(choice(again, "store-option-ssl")->currentData().toString(), QStringLiteral("true"));
    QCOMPARE(text(again, "store-option-sslCaFile")->text(), ca);
    QCOMPARE(choice(again, "store-option-transportMode")->currentData().toString(),
             QStringLiteral("http"));
    QCOMPARE(text(again, "store-option-httpPath")->text(), QStringLiteral("gateway/cliservice"));

    // Turning TLS back to the default takes ssl out; the CA file then makes the URI invalid,
    // and the dialog says so.
    pick(choice(again, "store-option-ssl"), QString());
    QVERIFY(!QUrlQuery(QUrl(text(again, "store-uri")->text())).hasQueryItem(QStringLiteral("ssl")));
    QVERIFY2(again.problem().contains(QStringLiteral("sslCaFile")), qPrintable(again.problem()));
}

// PostgreSQL's (and MariaDB's) capture=triggers|log is a field of its own, both ways.
void TestStoreDialog::captureFieldPicksTriggersOrLog() {
    StoreDialog d({"PG", {}, "postgresql://grader@db.lab/grades"}, {});
    QLineEdit* uri = text(d, "store-uri");
    QVERIFY(choice(d, "store-option-capture"));
    pick(choice(d, "store-option-capture"), QStringLiteral("log"));
    QCOMPARE(QUrlQuery(QUrl(uri->text())).queryItemValue(QStringLiteral("capture")),
             QStringLiteral("log"));
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
    type(uri, QStringLiteral("postgresql://grader@db.lab/grades?capture=triggers"));
    QCOMPARE(choice(d, "store-option-capture")->currentData().toString(),
             QStringLiteral("triggers"));
}

QTEST_MAIN(TestStoreDialog)
#include "tst_storedialog.moc"
