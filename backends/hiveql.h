#pragma once
// HiveQL text built by Syncscope. HiveServer2 has no bind parameters (TExecuteStatementReq
// carries only the statement text), so every value a user or a store supplies reaches Hive
// through hiveStringLiteral and every identifier through hiveIdentifier: nothing else splices
// text into a statement.
#include <optional>
#include <string>
#include <string_view>

namespace syncscope {

// `text` as a single-quoted Hive string literal that Hive's unescapeSQLString turns back into
// exactly these bytes: backslash, both quotes, the control characters Hive names (\b \n \r \t
// \Z) are escaped, NUL as octal \000, '$' as octal \044 (so that HiveServer2's variable
// substitution never sees a "${" in it); every other byte (UTF-8 included) goes through as it is. A
// backslash is always doubled, so "\u0041", "\%" or "\012" in the input stay literal text.
std::string hiveStringLiteral(std::string_view text);

// `name` in backticks when it is a plain identifier (letters, digits, underscore; not starting
// with a digit; at most 128 bytes); nullopt otherwise, for the caller to refuse.
std::optional<std::string> hiveIdentifier(std::string_view name);

} // namespace syncscope
