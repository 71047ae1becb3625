#include "storedialog.h"

#include "identifiers.h"
#include "storefactory.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QStandardItemModel>

namespace syncscope {

StoreDialog::StoreDialog(const StoreSpec& initial, QStringList taken, QWidget* parent)
    : QDialog(parent)
    , taken_(std::move(taken)) {
    setWindowTitle(initial.name.empty() ? QStringLiteral("Add a store")
                                        : QStringLiteral("Edit a store"));
    name_ = new QLineEdit(QString::fromStdString(initial.name), this);
    name_->setObjectName(QStringLiteral("store-name"));
    name_->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9_]{0,63}")), name_));
    QStringList aliasList;
    for (const std::string& a : initial.aliases)
        aliasList << QString::fromStdString(a);
    aliases_ = new QLineEdit(aliasList.join(QStringLiteral(", ")), this);
    aliases_->setObjectName(QStringLiteral("store-aliases"));
    aliases_->setPlaceholderText(QStringLiteral("other names scripts may use, e.g. MYSQL, PG"));
    kind_ = new QComboBox(this);
    kind_->setObjectName(QStringLiteral("store-kind"));
    auto* kinds = new QStandardItemModel(kind_);
    for (const BackendDescription& b : StoreFactory::backends()) {
        auto* item =
            new QStandardItem(b.available ? b.kind : b.kind + QStringLiteral(" (not yet)"));
        item->setData(b.uriExample, Qt::UserRole);
        item->setData(b.scheme, Qt::UserRole + 1);
        if (!b.available) {
            item->setEnabled(false);
            item->setToolTip(b.unavailableReason);
        }
        kinds->appendRow(item);
    }
    kind_->setModel(kinds);
    uri_ = new QLineEdit(QString::fromStdString(initial.uri), this);
    uri_->setObjectName(QStringLiteral("store-uri"));
    auto showExample = [this] {
        uri_->setPlaceholderText(kind_->currentData(Qt::UserRole).toString());
    };
    connect(kind_, &QComboBox::currentIndexChanged, this, showExample);
    showExample();
    password_ = new QLineEdit(this);
    password_->setObjectName(QStringLiteral("store-password"));
    password_->setEchoMode(QLineEdit::Password);
    password_->setPlaceholderText(
        QStringLiteral("kept in the system keychain; empty keeps the saved one"));
    // Only a server login takes one; an embedded SQLite file has none.
    auto offerPassword = [this] {
        password_->setEnabled(StoreFactory::takesPassword(uri_->text().trimmed()));
    };
    connect(uri_, &QLineEdit::textChanged, this, offerPassword);
    offerPassword();
    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("store-error"));
    error_->setStyleSheet(QStringLiteral("color: #c53030;"));
    error_->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &StoreDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* form = new QFormLayout(this);
    form->addRow(QStringLiteral("Name"), name_);
    form->addRow(QStringLiteral("Aliases"), aliases_);
    form->addRow(QStringLiteral("Kind"), kind_);
    form->addRow(QStringLiteral("URI"), uri_);
    form->addRow(QStringLiteral("Password"), password_);
    form->addRow(error_);
    form->addRow(buttons);
}

StoreSpec StoreDialog::spec() const {
    StoreSpec s;
    s.name = name_->text().trimmed().toUpper().toStdString();
    for (const QString& a : aliases_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!a.trimmed().isEmpty())
            s.aliases.push_back(a.trimmed().toUpper().toStdString());
    s.uri = uri_->text().trimmed().toStdString();
    return s;
}

QString StoreDialog::password() const {
    return password_->isEnabled() ? password_->text() : QString();
}

QString StoreDialog::problem() const {
    const StoreSpec s = spec();
    if (!isCanonicalStoreName(s.name))
        return QStringLiteral("The name must be a letter followed by letters, digits or _.");
    if (s.name == kSeedOrigin)
        return QStringLiteral("CSV is reserved for seed data.");
    std::vector<std::string> names{s.name};
    names.insert(names.end(), s.aliases.begin(), s.aliases.end());
    for (const std::string& n : names) {
        if (!isCanonicalStoreName(n))
            return QStringLiteral("Alias %1 is not a store name.").arg(QString::fromStdString(n));
        if (taken_.contains(QString::fromStdString(n)))
            return QStringLiteral("Another store already uses the name %1.")
                .arg(QString::fromStdString(n));
    }
    if (s.uri.empty())
        return QStringLiteral("Give the store a URI, e.g. %1").arg(uri_->placeholderText());
    return StoreFactory::checkUri(QString::fromStdString(s.uri));
}

void StoreDialog::accept() {
    const QString why = problem();
    if (!why.isEmpty()) {
        error_->setText(why);
        return;
    }
    QDialog::accept();
}

} // namespace syncscope
