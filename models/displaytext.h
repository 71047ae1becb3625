#pragma once
// Text that came from outside (a file, a store, a server) as a message or report quotes it.
#include <cstddef>
#include <string>
#include <string_view>

namespace syncscope {

// `text` with every control character and every byte that is not part of valid UTF-8 written
// as \xNN, so a terminal or a log shows them rather than obeys them (an ESC sequence, a NUL, a
// bare CR that rewrites the line), cut after `limit` bytes with "… (N bytes)" so one huge
// field cannot flood a message. Linear in the bytes it shows.
std::string displayText(std::string_view text, size_t limit = std::string_view::npos);

// An identifier or field as an error message names it: displayText in single quotes, at most
// 64 bytes of it (the longest valid id), e.g. 'SID\x1b[2J' or 'xxxx… (10485760 bytes)'.
std::string quotedForMessage(std::string_view text);

} // namespace syncscope
