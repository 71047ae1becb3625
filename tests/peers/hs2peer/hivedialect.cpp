#include "hivedialect.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>

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
// A token of a statement whose literals are inline: a word (upper-cased), a backticked name, a
// literal, or one character of punctuation; `depth` counts the parentheses open before it.
struct Token {
    size_t begin = 0, end = 0;
    std::string word; // upper-cased for a word, the name for `name`, empty otherwise
    char punct = 0;   // '(' ')' ',' … for punctuation
    int depth = 0;
};

// A hand-written scan, linear in the text: a std::regex with lazy [\s\S]*? over a MERGE of
// 55 KB recursed until the stack ran out.
std::vector<Token> tokenize(const std::string& text) {
    std::vector<Token> out;
    int depth = 0;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        Token t;
        t.begin = i;
        t.depth = depth;
        if (c == '\'') { // SQLite's quoting: '' inside stands for one quote
            size_t j = i + 1;
            for (;;) {
                j = text.find('\'', j);
                if (j == std::string::npos || j + 1 >= text.size() || text[j + 1] != '\'')
                    break;
                j += 2;
            }
            t.end = j == std::string::npos ? text.size() : j + 1;
        } else if (c == '`') {
            const size_t j = text.find('`', i + 1);
            t.end = j == std::string::npos ? text.size() : j + 1;
            t.word = text.substr(i + 1, t.end - i - 2);
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i;
            while (j < text.size() &&
                   (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
                ++j;
            t.end = j;
            t.word = upper(text.substr(i, j - i));
        } else {
            t.end = i + 1;
            t.punct = c;
            if (c == '(')
                ++depth;
            else if (c == ')')
                t.depth = --depth;
        }
        out.push_back(std::move(t));
        i = out.back().end;
    }
    return out;
}

// The index of the first run of `words` at depth 0 from `from` on; npos when there is none.
size_t findWords(const std::vector<Token>& tokens, size_t from,
                 std::initializer_list<const char*> words) {
    for (size_t i = from; i + words.size() <= tokens.size(); ++i) {
        size_t k = 0;
        for (const char* w : words) {
            const Token& t = tokens[i + k];
            if (t.depth != 0 || t.punct || t.word != w)
                break;
            ++k;
        }
        if (k == words.size())
            return i;
    }
    return std::string::npos;
}

// A MERGE of the shape above as SQLite statements; empty with `problem` otherwise. `text` has
// its literals inline (the parts are reordered, so they cannot be bound in order); `table` is
// set to the target table as soon as it is read.
std::vector<std::string> translateMerge(const std::string& text, std::string& table,
                                        std::string& problem) {
    const std::vector<Token> tk = tokenize(text);
    const auto span = [&](size_t first, size_t last) { // tokens first..last-1, as written
        return first >= last ? std::string()
                             : text.substr(tk[first].begin, tk[last - 1].end - tk[first].begin);
    };
    const auto isName = [&](size_t i) {
        return i < tk.size() && !tk[i].punct && !tk[i].word.empty();
    };
    size_t i = 2;
    if (tk.size() < 8 || tk[0].word != "MERGE" || tk[1].word != "INTO" || !isName(2)) {
        problem = "MERGE INTO table alias USING (query) alias …";
        return {};
    }
    table =
        text[tk[2].begin] == '`' ? tk[2].word : text.substr(tk[2].begin, tk[2].end - tk[2].begin);
    ++i;
    if (tk[i].word == "AS")
        ++i;
    if (!isName(i) || tk[i].word == "USING" || !isName(i + 1) || tk[i + 1].word != "USING" ||
        i + 2 >= tk.size() || tk[i + 2].punct != '(') {
        problem = "MERGE INTO table alias USING (query) alias …";
        return {};
    }
    const std::string target = text.substr(tk[i].begin, tk[i].end - tk[i].begin);
    const size_t open = i + 2;
    size_t close = open + 1;
    while (close < tk.size() && !(tk[close].punct == ')' && tk[close].depth == 0))
        ++close;
    if (close >= tk.size()) {
        problem = "unbalanced parentheses in MERGE";
        return {};
    }
    const std::string source = span(open + 1, close);
    i = close + 1;
    if (i < tk.size() && tk[i].word == "AS")
        ++i;
    const size_t on = i + 1;
    const size_t matched = findWords(tk, on, {"WHEN", "MATCHED", "AND"});
    const size_t update = matched == std::string::npos
                              ? matched
                              : findWords(tk, matched + 3, {"THEN", "UPDATE", "SET"});
    const size_t insert =
        update == std::string::npos
            ? update
            : findWords(tk, update + 3, {"WHEN", "NOT", "MATCHED", "THEN", "INSERT", "VALUES"});
    if (!isName(i) || on >= tk.size() || tk[on].word != "ON" || insert == std::string::npos ||
        insert + 6 >= tk.size() || tk[insert + 6].punct != '(' || tk.back().punct != ')' ||
        tk.back().depth != 0 || insert + 7 >= tk.size() - 1) {
        problem = "… ON … WHEN MATCHED AND … THEN UPDATE SET … WHEN NOT MATCHED THEN INSERT "
                  "VALUES (…)";
        return {};
    }
    const std::string alias = text.substr(tk[i].begin, tk[i].end - tk[i].begin);
    const std::string cond = span(on + 1, matched), when = span(matched + 3, update),
                      set = span(update + 3, insert), values = span(insert + 7, tk.size() - 1);
    return {"UPDATE `" + table + "` AS " + target + " SET " + set + " FROM (" + source + ") AS " +
                alias + " WHERE (" + cond + ") AND (" + when + ")",
            "INSERT INTO `" + table + "` SELECT " + values + " FROM (" + source + ") AS " + alias +
                " WHERE NOT EXISTS (SELECT 1 FROM `" + table + "` AS " + target + " WHERE " + cond +
                ")"};
}
} // namespace

namespace {
// A table definition's STRING columns declared TEXT: SQLite gives a column declared STRING
// numeric affinity, which would store '007' as 7 and '1.50' as 1.5 and sort them as numbers;
// TEXT keeps the bytes and compares them with memcmp, as Hive compares strings. The word is
// replaced outside backticks and literals only.
std::string declareStringsAsText(const std::string& sql) {
    std::string out;
    out.reserve(sql.size());
    const auto isWordChar = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    };
    for (size_t i = 0; i < sql.size();) {
        const char c = sql[i];
        if (c == '`' || c == '\'') {
            const size_t end = std::min(sql.find(c, i + 1), sql.size() - 1);
            out.append(sql, i, end - i + 1);
            i = end + 1;
        } else if (isWordChar(c)) {
            size_t end = i;
            while (end < sql.size() && isWordChar(sql[end]))
                ++end;
            const std::string word = sql.substr(i, end - i);
            out += upper(word) == "STRING" ? std::string("TEXT") : word;
            i = end;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}
} // namespace

namespace {
// Hive's reserved keywords (hive.support.sql11.reserved.keywords, always on since Hive 2.2;
// the list of Hive's DDL manual): not a column name unless quoted in backticks.
bool isReserved(const std::string& word) {
    static const std::set<std::string> reserved{"ALL",          "ALTER",
                                                "AND",          "ARRAY",
                                                "AS",           "AUTHORIZATION",
                                                "BETWEEN",      "BIGINT",
                                                "BINARY",       "BOOLEAN",
                                                "BOTH",         "BY",
                                                "CACHE",        "CASE",
                                                "CAST",         "CHAR",
                                                "COLUMN",       "COMMIT",
                                                "CONF",         "CONSTRAINT",
                                                "CREATE",       "CROSS",
                                                "CUBE",         "CURRENT",
                                                "CURRENT_DATE", "CURRENT_TIMESTAMP",
                                                "CURSOR",       "DATABASE",
                                                "DATE",         "DAYOFWEEK",
                                                "DECIMAL",      "DELETE",
                                                "DESCRIBE",     "DISTINCT",
                                                "DOUBLE",       "DROP",
                                                "ELSE",         "END",
                                                "EXCHANGE",     "EXISTS",
                                                "EXTENDED",     "EXTERNAL",
                                                "EXTRACT",      "FALSE",
                                                "FETCH",        "FLOAT",
                                                "FLOOR",        "FOLLOWING",
                                                "FOR",          "FOREIGN",
                                                "FROM",         "FULL",
                                                "FUNCTION",     "GRANT",
                                                "GROUP",        "GROUPING",
                                                "HAVING",       "IF",
                                                "IMPORT",       "IN",
                                                "INNER",        "INSERT",
                                                "INT",          "INTEGER",
                                                "INTERSECT",    "INTERVAL",
                                                "INTO",         "IS",
                                                "JOIN",         "LATERAL",
                                                "LEFT",         "LESS",
                                                "LIKE",         "LOCAL",
                                                "MACRO",        "MAP",
                                                "MORE",         "NONE",
                                                "NOT",          "NULL",
                                                "NUMERIC",      "OF",
                                                "ON",           "ONLY",
                                                "OR",           "ORDER",
                                                "OUT",          "OUTER",
                                                "OVER",         "PARTIALSCAN",
                                                "PARTITION",    "PERCENT",
                                                "PRECEDING",    "PRECISION",
                                                "PRESERVE",     "PRIMARY",
                                                "PROCEDURE",    "RANGE",
                                                "READS",        "REDUCE",
                                                "REFERENCES",   "REGEXP",
                                                "REVOKE",       "RIGHT",
                                                "RLIKE",        "ROLLBACK",
                                                "ROLLUP",       "ROW",
                                                "ROWS",         "SELECT",
                                                "SET",          "SMALLINT",
                                                "START",        "SYNC",
                                                "TABLE",        "TABLESAMPLE",
                                                "THEN",         "TIME",
                                                "TIMESTAMP",    "TO",
                                                "TRANSFORM",    "TRIGGER",
                                                "TRUE",         "TRUNCATE",
                                                "UNBOUNDED",    "UNION",
                                                "UNIQUEJOIN",   "UPDATE",
                                                "USER",         "USING",
                                                "UTC_TMESTAMP", "VALUES",
                                                "VARCHAR",      "VIEWS",
                                                "WHEN",         "WHERE",
                                                "WINDOW",       "WITH"};
    return reserved.count(word) > 0;
}

// The first column definition of a CREATE TABLE named by a reserved word, as Hive's parser
// refuses it; empty when there is none.
std::string reservedColumnProblem(const std::string& text) {
    const std::vector<Token> tk = tokenize(text);
    size_t open = 0;
    while (open < tk.size() && tk[open].punct != '(')
        ++open;
    for (size_t i = open + 1; i < tk.size() && tk[i].depth > 0; ++i) {
        // A definition starts after the list's '(' (depth 0) or one of its commas (depth 1).
        const Token& before = tk[i - 1];
        const bool starts = tk[i].depth == 1 && ((before.punct == '(' && before.depth == 0) ||
                                                 (before.punct == ',' && before.depth == 1));
        if (!starts || text[tk[i].begin] == '`' || !isReserved(tk[i].word))
            continue;
        std::string near = "'" + text.substr(tk[i].begin, tk[i].end - tk[i].begin) + "'";
        for (size_t k = i + 1; k < i + 3 && k < tk.size(); ++k)
            near += " '" + text.substr(tk[k].begin, tk[k].end - tk[k].begin) + "'";
        return "Error while compiling statement: FAILED: ParseException line 1:" +
               std::to_string(tk[i].begin) + " cannot recognize input near " + near +
               " in column name or constraint";
    }
    return {};
}

std::string strictMessage(const char* what, const char* setting) {
    return std::string("Error while compiling statement: FAILED: SemanticException ") + what +
           " are disabled for safety reasons. If you know what you are doing, please set " +
           setting +
           " to false and make sure that hive.mapred.mode is not set to 'strict' to proceed. "
           "Note that you may get errors or incorrect results if you make a mistake while using "
           "some of the unsafe features.";
}

// What Hive's strict checks refuse (StrictChecks): an ORDER BY without a LIMIT in its query
// block (a window's ORDER BY, inside OVER (…), is not one), and a Cartesian product, which
// the peer tells by CROSS JOIN only. Empty when the statement passes.
std::string strictProblem(const std::string& text) {
    const std::vector<Token> tk = tokenize(text);
    struct Block {
        bool window = false;
        bool orderPending = false;
    };
    std::vector<Block> blocks(1);
    for (size_t i = 0; i < tk.size(); ++i) {
        const Token& t = tk[i];
        if (t.punct == '(') {
            blocks.push_back({i > 0 && tk[i - 1].word == "OVER", false});
        } else if (t.punct == ')') {
            if (blocks.back().orderPending)
                break;
            if (blocks.size() > 1)
                blocks.pop_back();
        } else if (t.word == "ORDER" && i + 1 < tk.size() && tk[i + 1].word == "BY") {
            blocks.back().orderPending = !blocks.back().window;
        } else if (t.word == "LIMIT") {
            blocks.back().orderPending = false;
        } else if (t.word == "CROSS" && i + 1 < tk.size() && tk[i + 1].word == "JOIN") {
            return strictMessage("Cartesian products", "hive.strict.checks.cartesian.product");
        }
    }
    for (const Block& b : blocks)
        if (b.orderPending)
            return strictMessage("Order by-s without limit", "hive.strict.checks.orderby.no.limit");
    return {};
}
} // namespace

Translation translateHiveQl(const std::string& statement, bool acid, bool strict) {
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
        if (std::string problem = reservedColumnProblem(masked); !problem.empty())
            return refuse(problem);
        t.sql = declareStringsAsText(std::regex_replace(quoted, hiveOnly, ""));
        static const std::regex transactional(R"('transactional'\s*=\s*'true')", icase);
        static const std::regex tableName(
            R"(^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?)", icase);
        t.kind = Translation::Kind::CreateTable;
        t.transactional = std::regex_search(quoted, transactional);
        if (std::regex_search(head, m, tableName))
            t.name = m[1];
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
        t.merge = translateMerge(quoted, t.name, problem);
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
    const bool analyzed = t.kind == Translation::Kind::Query ||
                          t.kind == Translation::Kind::Overwrite ||
                          t.kind == Translation::Kind::Merge ||
                          (t.kind == Translation::Kind::Statement && t.name.empty());
    if (strict && analyzed)
        if (std::string problem = strictProblem(masked); !problem.empty())
            return refuse(problem);
    return t;
}

} // namespace hs2peer
