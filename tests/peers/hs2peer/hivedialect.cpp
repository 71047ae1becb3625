#include "hivedialect.h"

#include <cctype>
#include <cstdlib>
#include <optional>
#include <regex>

namespace hs2peer {

namespace {
bool isOctal(char c, char high) {
    return c >= '0' && c <= high;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

std::string upper(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

Translation refuse(std::string message, std::string sqlState = "42000") {
    Translation t;
    t.error = std::move(message);
    t.sqlState = std::move(sqlState);
    return t;
}

Translation parseError(const std::string& near) {
    return refuse("Error while compiling statement: FAILED: ParseException line 1:0 cannot "
                  "recognize input near '" +
                  near + "'");
}
} // namespace

std::string unescapeHiveString(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c != '\\' || i + 1 >= s.size()) {
            out += c;
            continue;
        }
        if (s[i + 1] == 'u' && i + 5 < s.size()) {
            unsigned code = 0;
            bool hex = true;
            for (size_t k = i + 2; k < i + 6; ++k) {
                const int v = hexValue(s[k]);
                hex = hex && v >= 0;
                code = code * 16 + static_cast<unsigned>(v < 0 ? 0 : v);
            }
            if (hex) {
                appendUtf8(out, code);
                i += 5;
                continue;
            }
        }
        if (i + 3 < s.size() && isOctal(s[i + 1], '1') && isOctal(s[i + 2], '7') &&
            isOctal(s[i + 3], '7')) {
            out +=
                static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
            continue;
        }
        const char e = s[++i];
        switch (e) {
        case '0':
            out += '\0';
            break;
        case 'b':
            out += '\b';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'Z':
            out += '\x1a';
            break;
        case '%':
        case '_':
            out += '\\';
            out += e;
            break;
        default: // \\ \' \" and any other character stand for themselves
            out += e;
        }
    }
    return out;
}

namespace {
std::optional<std::string>
hiveVariable(const std::string& name,
             const std::vector<std::pair<std::string, std::string>>& conf) {
    const auto setting = [&](const std::string& key) -> std::optional<std::string> {
        for (const auto& [k, v] : conf)
            if (k == key)
                return v;
        return std::nullopt;
    };
    if (name.rfind("env:", 0) == 0) {
        const char* v = std::getenv(name.substr(4).c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    }
    if (name == "system:user.name")
        return std::getenv("USER") ? std::getenv("USER") : "hive";
    if (name == "system:user.home")
        return std::getenv("HOME") ? std::getenv("HOME") : "/";
    if (name == "system:java.io.tmpdir")
        return std::string("/tmp");
    if (name.rfind("hiveconf:", 0) == 0)
        return setting(name.substr(9));
    if (name.rfind("hivevar:", 0) == 0)
        return setting(name.substr(8));
    return setting(name);
}
} // namespace

std::string substituteHiveVariables(const std::string& statement,
                                    const std::vector<std::pair<std::string, std::string>>& conf) {
    static const std::regex variable(R"(\$\{[^\}\$ ]+\})");
    std::string text = statement;
    for (int depth = 0; depth < 40; ++depth) {
        std::string out;
        bool changed = false;
        auto at = text.cbegin();
        for (std::sregex_iterator m(text.cbegin(), text.cend(), variable), end; m != end; ++m) {
            const std::string whole = m->str();
            const std::optional<std::string> value =
                hiveVariable(whole.substr(2, whole.size() - 3), conf);
            out.append(at, (*m)[0].first);
            out += value ? *value : whole;
            changed = changed || value.has_value();
            at = (*m)[0].second;
        }
        out.append(at, text.cend());
        if (!changed)
            break;
        text = std::move(out);
    }
    return text;
}

namespace {
// A MERGE of the shape above as SQLite statements; empty with `problem` otherwise. `text` has
// its literals inline (the parts are reordered, so they cannot be bound in order).
std::vector<std::string> translateMerge(const std::string& text, std::string& problem) {
    static const std::regex head(R"(^\s*MERGE\s+INTO\s+`?(\w+)`?\s+(?:AS\s+)?(\w+)\s+USING\s*\()",
                                 std::regex::icase);
    std::smatch m;
    const std::string start = text.substr(0, 256);
    if (!std::regex_search(start, m, head)) {
        problem = "MERGE INTO table alias USING (query) alias …";
        return {};
    }
    const std::string table = m[1], target = m[2];
    size_t i = static_cast<size_t>(m.length(0)), depth = 1;
    const size_t open = i;
    for (; i < text.size() && depth > 0; ++i) {
        if (text[i] == '\'') // a literal, inline and quoted SQLite's way: skip it whole
            i = text.find('\'', i + 1);
        else if (text[i] == '(')
            ++depth;
        else if (text[i] == ')')
            --depth;
        if (i == std::string::npos)
            break;
    }
    if (depth != 0) {
        problem = "unbalanced parentheses in MERGE";
        return {};
    }
    const std::string source = text.substr(open, i - 1 - open);
    static const std::regex tail(
        R"(^\s*(?:AS\s+)?(\w+)\s+ON\s+([\s\S]*?)\s+WHEN\s+MATCHED\s+AND\s+([\s\S]*?)\s+THEN\s+UPDATE\s+SET\s+([\s\S]*?)\s+WHEN\s+NOT\s+MATCHED\s+THEN\s+INSERT\s+VALUES\s*\(([\s\S]*)\)\s*$)",
        std::regex::icase);
    const std::string rest = text.substr(i);
    if (!std::regex_match(rest, m, tail)) {
        problem = "… ON … WHEN MATCHED AND … THEN UPDATE SET … WHEN NOT MATCHED THEN INSERT "
                  "VALUES (…)";
        return {};
    }
    const std::string alias = m[1], on = m[2], when = m[3], set = m[4], values = m[5];
    return {"UPDATE `" + table + "` AS " + target + " SET " + set + " FROM (" + source + ") AS " +
                alias + " WHERE (" + on + ") AND (" + when + ")",
            "INSERT INTO `" + table + "` SELECT " + values + " FROM (" + source + ") AS " + alias +
                " WHERE NOT EXISTS (SELECT 1 FROM `" + table + "` AS " + target + " WHERE " + on +
                ")"};
}
} // namespace

Translation translateHiveQl(const std::string& statement, bool acid) {
    // Literals out first: what is left is keywords, identifiers, numbers and punctuation.
    Translation t;
    std::string masked; // literals as ?N parameters
    std::string quoted; // literals written in SQLite's own quoting (a view cannot bind)
    for (size_t i = 0; i < statement.size(); ++i) {
        const char c = statement[i];
        if (c == '`') {
            const size_t end = statement.find('`', i + 1);
            if (end == std::string::npos)
                return parseError(statement.substr(i, 10));
            masked += statement.substr(i, end - i + 1);
            quoted += statement.substr(i, end - i + 1);
            i = end;
        } else if (c == '\'' || c == '"') {
            size_t j = i + 1;
            while (j < statement.size() && statement[j] != c)
                j += statement[j] == '\\' ? 2 : 1;
            if (j >= statement.size())
                return refuse("Error while compiling statement: FAILED: ParseException line 1:" +
                              std::to_string(i) + " character '<EOF>' not supported here");
            t.params.push_back(unescapeHiveString(statement.substr(i + 1, j - i - 1)));
            // Anonymous parameters: SQLite looks numbered ones (?N) up in a list, which makes
            // a statement of many thousand literals quadratic.
            masked += " ? ";
            quoted += '\'';
            for (const char k : t.params.back())
                quoted += k == '\'' ? std::string("''") : std::string(1, k);
            quoted += '\'';
            i = j;
        } else {
            masked += c;
            quoted += c;
        }
    }
    const size_t last = masked.find_last_not_of(" \t\r\n");
    if (last != std::string::npos && masked[last] == ';')
        return refuse("Error while compiling statement: FAILED: ParseException line 1:" +
                      std::to_string(last) + " extraneous input ';'");
    const auto icase = std::regex::icase | std::regex::ECMAScript;
    std::smatch m;
    // The statement is told by its first words; std::regex would walk the whole of a large
    // INSERT for every pattern that does not match.
    const std::string head = masked.substr(0, 256);
    static const std::regex use(R"(^\s*USE\s+`?(\w+)`?\s*$)", icase);
    static const std::regex createDb(
        R"(^\s*CREATE\s+(DATABASE|SCHEMA)\s+(IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*$)", icase);
    static const std::regex createTable(R"(^\s*CREATE\s+TABLE\s)", icase);
    static const std::regex hiveOnly(
        R"(\s+(CLUSTERED\s+BY\s*\([^)]*\)\s*INTO\s+\d+\s+BUCKETS|ROW\s+FORMAT\s+\w+(\s+\w+\s+BY\s+'[^']*')*|STORED\s+AS\s+\w+|TBLPROPERTIES\s*\([^)]*\)))",
        icase);
    static const std::regex view(R"(^\s*(CREATE\s+VIEW|DROP\s+(TABLE|VIEW))\s)", icase);
    static const std::regex insertInto(R"(^(\s*INSERT\s+INTO\s+)(TABLE\s+)?)", icase);
    static const std::regex overwrite(R"(^\s*INSERT\s+OVERWRITE\s+TABLE\s+`?(\w+)`?\s+SELECT\s)",
                                      icase);
    static const std::regex query(R"(^\s*(SELECT|WITH)\s)", icase);
    static const std::regex acidOnly(R"(^\s*(UPDATE|DELETE|MERGE)\s)", icase);
    static const std::regex merge(R"(^\s*MERGE\s)", icase);
    static const std::regex set(R"(^\s*SET\s+([\w.]+)\s*(=.*)?$)", icase);

    if (std::regex_match(masked, m, use)) {
        t.kind = Translation::Kind::Use;
        t.name = m[1];
    } else if (std::regex_match(masked, m, createDb)) {
        t.kind = Translation::Kind::CreateDatabase;
        t.ifNotExists = m[2].matched;
        t.name = m[3];
    } else if (std::regex_search(head, createTable)) {
        // The dropped clauses may hold literals: the rest keeps its own, inline.
        if (quoted.find('\0') != std::string::npos)
            return refuse("the test peer cannot keep a NUL inside a table definition");
        t.sql = std::regex_replace(quoted, hiveOnly, "");
        static const std::regex bucketed(
            R"(^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?[\s\S]*CLUSTERED\s+BY\s*\(([^)]*)\))",
            icase);
        if (std::regex_search(quoted, m, bucketed))
            t.after.push_back("CREATE INDEX IF NOT EXISTS `" + m[1].str() + "_buckets` ON `" +
                              m[1].str() + "` (" + m[2].str() + ")");
    } else if (std::regex_search(head, view)) {
        if (quoted.find('\0') != std::string::npos)
            return refuse("the test peer cannot keep a NUL inside a view's text");
        t.sql = quoted;
    } else if (std::regex_search(head, m, insertInto)) {
        t.sql = m[1].str() + masked.substr(static_cast<size_t>(m.length(0)));
    } else if (std::regex_search(head, m, overwrite)) {
        t.kind = Translation::Kind::Overwrite;
        t.name = m[1];
        t.sql = masked.substr(static_cast<size_t>(m.length(0) - 7)); // from SELECT on
    } else if (std::regex_search(head, query)) {
        t.kind = Translation::Kind::Query;
        t.sql = masked;
    } else if (std::regex_match(masked, m, set)) {
        t.kind = m[2].matched ? Translation::Kind::Statement : Translation::Kind::Set;
        t.name = m[1];
        t.sql = "SELECT 1"; // setting a key changes nothing the peer plays
    } else if (acid && std::regex_search(head, merge)) {
        std::string problem;
        t.kind = Translation::Kind::Merge;
        t.merge = translateMerge(quoted, problem);
        if (t.merge.empty())
            return refuse("Error while compiling statement: FAILED: ParseException: the test "
                          "peer reads MERGE only as " +
                          problem);
    } else if (std::regex_search(head, acidOnly)) {
        return refuse("Error while compiling statement: FAILED: SemanticException [Error "
                      "10294]: Attempt to do update or delete using transaction manager that "
                      "does not support these operations.");
    } else {
        std::string first = masked.substr(0, masked.find_first_of(" \t\n", 1));
        return parseError(upper(first).substr(0, 20));
    }
    return t;
}

} // namespace hs2peer
