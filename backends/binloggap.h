#pragma once

#include "binlogreader.h"

#include <QString>

namespace syncscope {

// Where student_id, course_id and grade sit among the columns of grades (the row images'
// layout).
struct GradesLayout {
    size_t columns = 0;
    size_t student = 0, course = 1, grade = 2;
};

// Whether the server still holds binlog file `file` (SHOW BINARY LOGS); `why` is set, and
// false returned, only when the server could not be asked.
bool binlogFileHeld(const QString& connection, const std::string& file, bool& held, QString& why);

// A stretch of binlog the capture can no longer read (the server purged it before the store
// got there) stood in for by the table itself: in one consistent snapshot, the rows of grades
// that are not the write their (origin, seq) names in the oplog (an outside INSERT or UPDATE
// made in the stretch: no trigger stamped them), and the keys with no row whose greatest
// oplog write is a SET (an outside DELETE). They come back as one transaction of row changes
// ending at the binlog position of that snapshot, from which reading goes on: a change after
// it is in the log still, one before it is in the rows read. The writes in between are not
// known one by one; `gap` says so, naming `lostFrom`.
bool readPurgedStretch(const QString& connection, const GradesLayout& layout,
                       const BinlogPosition& lostFrom, BinlogTransaction& out, QString& why);

} // namespace syncscope
