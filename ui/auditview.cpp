#include "auditview.h"

#include "auditmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace syncscope {

namespace {

// Keeps rows of one kind (or all) whose text matches the filter in any column.
class AuditFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setKind(const QString& kind) {
        kind_ = kind;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        const QModelIndex first = sourceModel()->index(row, 0, parent);
        if (!kind_.isEmpty() && first.data(AuditModel::KindRole).toString() != kind_)
            return false;
        const QRegularExpression re = filterRegularExpression();
        if (re.pattern().isEmpty())
            return true;
        for (int c = 0; c < sourceModel()->columnCount(); ++c)
            if (sourceModel()->index(row, c, parent).data().toString().contains(re))
                return true;
        return false;
    }

private:
    QString kind_;
};

} // namespace

AuditView::AuditView(QWidget* parent)
    : QDialog(parent)
    , model_(new AuditModel(this))
    , table_(new QTableView)
    , filter_(new QLineEdit)
    , kind_(new QComboBox)
    , verification_(new QLabel) {
    setWindowTitle(QStringLiteral("Audit Log"));
    setObjectName(QStringLiteral("auditView"));
    resize(1100, 600);
    auto* filter = new AuditFilter(this);
    proxy_ = filter;
    proxy_->setSourceModel(model_);
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(AuditModel::Id, Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    filter_->setPlaceholderText(QStringLiteral("Filter: student, course, store, note…"));
    filter_->setClearButtonEnabled(true);
    kind_->addItem(QStringLiteral("All entries"), QString());
    for (const char* k : {"merge", "key", "end", "revert", "reset"})
        kind_->addItem(QString::fromLatin1(k), QString::fromLatin1(k));
    verification_->setObjectName(QStringLiteral("auditVerification"));
    verification_->setWordWrap(true);

    auto* refresh = new QPushButton(QStringLiteral("Re&fresh"));
    auto* verify = new QPushButton(QStringLiteral("&Verify Chain"));
    auto* exportButton = new QPushButton(QStringLiteral("&Export"));
    auto* exportMenu = new QMenu(exportButton);
    for (const char* format : {"csv", "json", "html"})
        exportMenu->addAction(QString::fromLatin1(format).toUpper(), this, [this, format] {
            Q_EMIT exportRequested(QString::fromLatin1(format));
        });
    exportButton->setMenu(exportMenu);
    auto* revert = new QPushButton(QStringLiteral("&Revert This Decision"));
    revert->setObjectName(QStringLiteral("auditRevert"));
    revert->setToolTip(QStringLiteral("Writes the key's value from before the merge back to its "
                                      "store, as a new write (history is never rewritten)"));
    revert->setEnabled(false);

    auto* top = new QHBoxLayout;
    top->addWidget(kind_);
    top->addWidget(filter_, 1);
    top->addWidget(refresh);
    top->addWidget(verify);
    top->addWidget(exportButton);
    top->addWidget(revert);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(table_, 1);
    layout->addWidget(verification_);

    connect(filter_, &QLineEdit::textChanged, this, &AuditView::applyFilter);
    connect(kind_, &QComboBox::currentIndexChanged, this, &AuditView::applyFilter);
    connect(refresh, &QPushButton::clicked, this, &AuditView::refreshRequested);
    connect(verify, &QPushButton::clicked, this, &AuditView::verifyRequested);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, revert] {
        const QModelIndexList rows = table_->selectionModel()->selectedRows();
        revert->setEnabled(!rows.isEmpty() && rows.front().data(AuditModel::KindRole).toString() ==
                                                  QLatin1String("key"));
    });
    connect(revert, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = table_->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            Q_EMIT revertRequested(model_->entry(proxy_->mapToSource(rows.front()).row()));
    });
}

void AuditView::applyFilter() {
    static_cast<AuditFilter*>(proxy_)->setKind(kind_->currentData().toString());
    proxy_->setFilterRegularExpression(QRegularExpression(
        QRegularExpression::escape(filter_->text()), QRegularExpression::CaseInsensitiveOption));
}

void AuditView::setEntries(std::vector<AuditEntry> entries) {
    model_->setEntries(std::move(entries));
    table_->resizeColumnsToContents();
}

void AuditView::showVerification(const QString& text, bool ok) {
    verification_->setStyleSheet(ok ? QStringLiteral("color:#2e7d32")
                                    : QStringLiteral("color:#c62828"));
    verification_->setText(text);
}

QString AuditView::verificationText() const {
    return verification_->text();
}

bool AuditView::selectEntry(int64_t id) {
    for (int r = 0; r < proxy_->rowCount(); ++r)
        if (proxy_->index(r, AuditModel::Id).data().toLongLong() == id) {
            table_->selectRow(r);
            return true;
        }
    return false;
}

} // namespace syncscope
