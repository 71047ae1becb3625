#pragma once

#include <QString>

class QTableView;

namespace syncscope {

// The selected cells of a table view as CSV (RFC 4180 quoting), a header line first, rows and
// columns in view order; placeholder rows still loading are left out.
QString selectionAsCsv(const QTableView* view);

// Ctrl+C (the platform's Copy) on the view copies its selection as CSV.
void enableCopyAsCsv(QTableView* view);

} // namespace syncscope
