#include "storedialog.h"

#include "identifiers.h"
#include "storefactory.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStandardItemModel>
#include <QUrl>
#include <QUrlQuery>

namespace syncscope {

StoreDialog::StoreDialog(const StoreSpec& initial, QStringList taken, QWidget* parent)
    : QDialog(parent)
    , taken_(std::move(taken))
    , initial_(initial) {
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
        auto* item = new QStandardItem(b.kind);
        item->setData(b.uriExample, Qt::UserRole);
        item->setData(b.scheme, Qt::UserRole + 1);
        kinds->appendRow(item);
    }
    kind_->setModel(kinds);
    uri_ = new QLineEdit(QString::fromStdString(initial.uri), this);
    uri_->setObjectName(QStringLiteral("store-uri"));
    // The kind of the URI being edited, when this build knows it.
    const QString scheme = QUrl(uri_->text()).scheme();
    for (int i = 0; i < kinds->rowCount(); ++i)
        if (!scheme.isEmpty() &&
            scheme.startsWith(kinds->item(i)->data(Qt::UserRole + 1).toString()))
            kind_->setCurrentIndex(i);
    auto* connection = new QGroupBox(QStringLiteral("Connection"), this);
    fieldForm_ = new QFormLayout(connection);
    connect(kind_, &QComboBox::currentIndexChanged, this, &StoreDialog::showFieldsOfKind);
    connect(uri_, &QLineEdit::textEdited, this, &StoreDialog::uriToFields);
    showFieldsOfKind();
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
    // Wide enough for a server URI with an option or two.
    setMinimumWidth(560);
    auto* form = new QFormLayout(this);
    form->addRow(QStringLiteral("Name"), name_);
    form->addRow(QStringLiteral("Aliases"), aliases_);
    form->addRow(QStringLiteral("Kind"), kind_);
    form->addRow(QStringLiteral("URI"), uri_);
    form->addRow(connection);
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

void StoreDialog::showFieldsOfKind() {
    uri_->setPlaceholderText(kind_->currentData(Qt::UserRole).toString());
    while (fieldForm_->rowCount() > 0)
        fieldForm_->removeRow(0);
    fields_.clear();
    const QString scheme = kind_->currentData(Qt::UserRole + 1).toString();
    for (const BackendDescription& b : StoreFactory::backends()) {
        if (b.scheme != scheme)
            continue;
        for (const BackendOption& o : b.options) {
            Field f{o, nullptr, nullptr};
            QWidget* widget = nullptr;
            const QString name =
                QStringLiteral("store-option-") +
                (o.key.isEmpty() ? o.label.toLower().replace(QLatin1Char(' '), QLatin1Char('-'))
                                 : o.key);
            QWidget* row = nullptr;
            if (o.choices.isEmpty()) {
                f.text = new QLineEdit(this);
                f.text->setPlaceholderText(o.placeholder);
                if (o.part == BackendOption::Part::Port)
                    f.text->setValidator(new QIntValidator(1, 65535, f.text));
                connect(f.text, &QLineEdit::textEdited, this, &StoreDialog::fieldsToUri);
                widget = f.text;
                if (o.isFile)
                    row = withFileChooser(f.text, o);
            } else {
                f.choice = new QComboBox(this);
                f.choice->addItem(QStringLiteral("(default: %1)").arg(o.placeholder), QString());
                for (const QString& c : o.choices)
                    f.choice->addItem(c, c);
                connect(f.choice, &QComboBox::activated, this, &StoreDialog::fieldsToUri);
                widget = f.choice;
            }
            widget->setObjectName(name);
            fieldForm_->addRow(o.label, row ? row : widget);
            fields_.push_back(f);
        }
    }
    fieldForm_->parentWidget()->setVisible(!fields_.empty());
    uriToFields();
}

// The field in a row with a button that picks the file through a file dialog (Qt's own when
// SYNCSCOPE_NON_NATIVE_DIALOGS is set, for tests), then writes it into the URI as typing would.
QWidget* StoreDialog::withFileChooser(QLineEdit* field, const BackendOption& option) {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* choose = new QPushButton(QStringLiteral("Choose…"), row);
    choose->setObjectName(QStringLiteral("store-choose-") + option.key);
    choose->setToolTip(QStringLiteral("Pick the %1 file").arg(option.label));
    layout->addWidget(field, 1);
    layout->addWidget(choose);
    connect(choose, &QPushButton::clicked, this, [this, field, option] {
        const QFileDialog::Options options =
            qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS")
                ? QFileDialog::Options(QFileDialog::DontUseNativeDialog)
                : QFileDialog::Options();
        const QString path = QFileDialog::getOpenFileName(
            this, QStringLiteral("Choose the %1").arg(option.label), field->text(),
            QStringLiteral("Certificates (*.pem *.crt *.cer);;All files (*)"), nullptr, options);
        if (path.isEmpty())
            return;
        field->setText(path);
        fieldsToUri();
    });
    return row;
}

QString StoreDialog::fieldValue(const Field& f) const {
    return f.text ? f.text->text().trimmed() : f.choice->currentData().toString();
}

// The fields' parts of the URI, on the URI typed so far (its other query options stay).
void StoreDialog::fieldsToUri() {
    const QString scheme = kind_->currentData(Qt::UserRole + 1).toString();
    QUrl url(uri_->text().trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != scheme) {
        url = QUrl();
        url.setScheme(scheme);
    }
    QUrlQuery query(url);
    for (const Field& f : fields_) {
        const QString v = fieldValue(f);
        switch (f.option.part) {
        case BackendOption::Part::Host:
            url.setHost(v);
            break;
        case BackendOption::Part::Port:
            url.setPort(v.isEmpty() ? -1 : v.toInt());
            break;
        case BackendOption::Part::Database:
            url.setPath(v.isEmpty() ? QString() : QLatin1Char('/') + v);
            break;
        case BackendOption::Part::User:
            url.setUserName(v);
            break;
        case BackendOption::Part::Query:
            query.removeAllQueryItems(f.option.key);
            // Characters that would end the value or the query are escaped; a path's stay.
            if (!v.isEmpty())
                query.addQueryItem(f.option.key,
                                   QString::fromUtf8(QUrl::toPercentEncoding(v, "/:@!$'()*,;")));
            break;
        }
    }
    url.setQuery(query);
    uri_->setText(url.toString(QUrl::FullyEncoded));
}

// The URI's parts into the fields; a URI of another kind this build knows picks that kind.
void StoreDialog::uriToFields() {
    const QUrl url(uri_->text().trimmed(), QUrl::StrictMode);
    if (!url.isValid())
        return;
    const QString scheme = url.scheme();
    if (!scheme.isEmpty() && scheme != kind_->currentData(Qt::UserRole + 1).toString()) {
        const int match = kind_->findData(scheme, Qt::UserRole + 1);
        if (match >= 0 && match != kind_->currentIndex()) {
            kind_->setCurrentIndex(match); // shows that kind's fields, then comes back here
            return;
        }
    }
    const QUrlQuery query(url);
    for (Field& f : fields_) {
        QString v;
        switch (f.option.part) {
        case BackendOption::Part::Host:
            v = url.host();
            break;
        case BackendOption::Part::Port:
            v = url.port() < 0 ? QString() : QString::number(url.port());
            break;
        case BackendOption::Part::Database:
            v = url.path().mid(1);
            break;
        case BackendOption::Part::User:
            v = url.userName();
            break;
        case BackendOption::Part::Query:
            v = query.queryItemValue(f.option.key, QUrl::FullyDecoded);
            break;
        }
        if (f.text)
            f.text->setText(v);
        else
            f.choice->setCurrentIndex(std::max(0, f.choice->findData(v)));
    }
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
    // Every backend writes the store's name into its database and refuses to open one that
    // holds another store's: renamed on the same database, the store could never open again,
    // and the workspace would be saved that way.
    if (!initial_.name.empty() && s.name != initial_.name && s.uri == initial_.uri)
        return QStringLiteral("%1's database holds store %1 and would refuse to open as %2. "
                              "Keep the name %1 and add %2 as an alias, or give %2 a new "
                              "database (another URI).")
            .arg(QString::fromStdString(initial_.name), QString::fromStdString(s.name));
    return StoreFactory::checkUri(QString::fromStdString(s.uri));
}

void StoreDialog::accept() {
    const QString why = problem();
    if (!why.isEmpty()) {
        error_->setText(why);
        // A reason of two or three wrapped lines: the dialog grows to show them all (it kept
        // its height, and the last line was cut off).
        layout()->activate();
        const int needed = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                                         : sizeHint().height();
        if (needed > height())
            resize(width(), needed);
        return;
    }
    QDialog::accept();
}

} // namespace syncscope
