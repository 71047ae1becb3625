#include "welcomeview.h"

#include "helptexts.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace syncscope {

WelcomeView::WelcomeView(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("welcome"));
    auto* lecture = new QPushButton(QStringLiteral("Open the Sample &Lecture"), this);
    lecture->setObjectName(QStringLiteral("welcome-lecture"));
    lecture->setToolTip(QStringLiteral("A short testcase with 1,000 grades imported into every "
                                       "store, ready to step (F10)"));
    auto* script = new QPushButton(QStringLiteral("Open a Script…"), this);
    script->setToolTip(QStringLiteral("A testcase file of your own (Ctrl+O)"));
    auto* store = new QPushButton(QStringLiteral("Connect a Store…"), this);
    store->setToolTip(QStringLiteral("MariaDB, PostgreSQL, Redis, MongoDB, Hive or SQLite"));
    connect(lecture, &QPushButton::clicked, this, &WelcomeView::sampleLectureRequested);
    connect(script, &QPushButton::clicked, this, &WelcomeView::openScriptRequested);
    connect(store, &QPushButton::clicked, this, &WelcomeView::addStoreRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(lecture);
    buttons->addWidget(script);
    buttons->addWidget(store);
    buttons->addStretch(1);

    auto* commands = new QTextBrowser(this);
    commands->setObjectName(QStringLiteral("welcome-commands"));
    commands->setHtml(QStringLiteral("<p><b>Welcome to Syncscope.</b> The same grade table "
                                     "lives in several stores; each keeps an oplog. Write to "
                                     "any of them, merge them, and see where and why their "
                                     "copies disagree. Start with one of the buttons above, "
                                     "or type a command in the bar at the top and press "
                                     "Enter:</p>") +
                      commandExamplesHtml() +
                      QStringLiteral("<p>Help ▸ Script Syntax (F1) has the rest; Help ▸ "
                                     "Keyboard Shortcuts (Ctrl+/) every key.</p>"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(buttons);
    layout->addWidget(commands, 1);
}

} // namespace syncscope
