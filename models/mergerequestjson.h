#pragma once

#include "manualpick.h"
#include "mergedecision.h"

#include <QString>
#include <QStringList>

namespace syncscope {

// A merge request and its manual picks as the audit log keeps them (the "merge" row's detail),
// by store name so the row means the same after stores are reordered. Read back to offer an
// interrupted merge for completion.
QString mergeRequestToJson(const MergeRequest& request, const ManualPicks& picks,
                           const QStringList& storeNames);
// Returns an error in words, or an empty string when request and picks were read.
QString mergeRequestFromJson(const QString& json, const QStringList& storeNames,
                             MergeRequest& request, ManualPicks& picks);

} // namespace syncscope
