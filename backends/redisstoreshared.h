#pragma once
// Helpers the RedisStore's source files share (redisstore.cpp, redisappend.cpp,
// redisrollback.cpp, redisoutsidewrites.cpp).
#include "logrecord.h"
#include "redisconnection.h"
#include "utf8.h"

#include <QString>

#include <charconv>

#include <string>
#include <string_view>

namespace syncscope::redis {

template <class Int>
bool toInt(std::string_view text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// An oplog entry's stream ID is "0-<position>" (XADD … 0-*): the position is the sequence part.
bool positionOf(std::string_view id, int64_t& position);
inline std::string idOf(int64_t position) {
    return "0-" + std::to_string(position);
}
// <prefix>:ownseqs's digests join student and course with this, as the grades hash's fields do
// (ownDigest).
constexpr char kDigestKeySeparator = ',';
void appendXadd(RedisArgs& a, const std::string& stream, const LogRecord& r, long long wallMs);
// Sends UNWATCH, ignoring the reply: the transaction a WATCH was for is not coming.
void unwatch(RedisConnection& conn);

} // namespace syncscope::redis
