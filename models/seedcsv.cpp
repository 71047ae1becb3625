#include "seedcsv.h"

#include "displaytext.h"
#include "errorlist.h"
#include "identifiers.h"
#include "utf8.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <unordered_map>

namespace syncscope {

namespace {

struct Field {
    std::string text;
    uint32_t line = 0;
    uint32_t column = 0;
};

// Splits RFC 4180 text into records of fields, remembering where each field starts.
class CsvReader {
public:
    CsvReader(std::string_view text, SeedData& data)
        : text_(text)
        , data_(data) {}

    bool next(std::vector<Field>& record) {
        record.clear();
        if (pos_ >= text_.size())
            return false;
        for (;;) {
            Field f;
            f.line = line_;
            f.column = column();
            if (pos_ < text_.size() && text_[pos_] == '"') {
                if (!quoted(f))
                    return false;
            } else {
                while (pos_ < text_.size() && text_[pos_] != ',' && !atLineEnd())
                    f.text += text_[pos_++];
            }
            record.push_back(std::move(f));
            if (pos_ >= text_.size())
                return true;
            const char c = text_[pos_];
            if (c == ',') {
                ++pos_;
                continue;
            }
            if (c == '\r')
                ++pos_;
            if (pos_ < text_.size() && text_[pos_] == '\n')
                ++pos_;
            newLine();
            return true;
        }
    }

private:
    bool quoted(Field& f) {
        ++pos_;
        for (;;) {
            if (pos_ >= text_.size()) {
                keepError(data_.errors, data_.moreErrors,
                          {f.line, f.column, "unterminated quoted field"});
                return false;
            }
            const char c = text_[pos_++];
            if (c == '"') {
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    f.text += '"';
                    ++pos_;
                    continue;
                }
                if (pos_ < text_.size() && text_[pos_] != ',' && !atLineEnd()) {
                    keepError(data_.errors, data_.moreErrors,
                              {line_, column(),
                               "expected ',' or the end of the line after a quoted field"});
                    return false;
                }
                return true;
            }
            if (c == '\n')
                newLine();
            f.text += c;
        }
    }

    // A line ends at LF or CRLF (and a CR that ends the file). A CR alone is not a line break:
    // it stays in its field (where docs/script-language.md's rules refuse it), so the line numbers
    // in errors are the ones `grep -n` and editors show.
    bool atLineEnd() const {
        if (pos_ >= text_.size())
            return false;
        if (text_[pos_] == '\n')
            return true;
        return text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n');
    }

    void newLine() {
        ++line_;
        lineStart_ = pos_;
    }
    uint32_t column() const {
        return static_cast<uint32_t>(columnOf(text_.substr(lineStart_), pos_ - lineStart_));
    }

    std::string_view text_;
    SeedData& data_;
    size_t pos_ = 0;
    size_t lineStart_ = 0;
    uint32_t line_ = 1;
};

std::string normalizedHeader(std::string_view h) {
    std::string out;
    for (char c : h) {
        if (c == ' ' || c == '-' || c == '_' || c == '\t')
            continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

} // namespace

std::string SeedData::formatError(const ScriptError& e) const {
    return fileName + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " +
           e.message;
}

SeedData parseSeedCsv(std::string fileName, std::string_view text) {
    SeedData data;
    data.fileName = std::move(fileName);
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3); // a UTF-8 byte-order mark from spreadsheet exports
    CsvReader reader(text, data);
    std::vector<Field> header;
    if (!reader.next(header)) {
        if (data.errors.empty())
            keepError(data.errors, data.moreErrors, {1, 1, "empty file: expected a header line"});
        return data;
    }
    int sidAt = -1, cidAt = -1, gradeAt = -1;
    for (size_t i = 0; i < header.size(); ++i) {
        const std::string n = normalizedHeader(header[i].text);
        if (n == "studentid")
            sidAt = static_cast<int>(i);
        else if (n == "courseid")
            cidAt = static_cast<int>(i);
        else if (n == "grade")
            gradeAt = static_cast<int>(i);
    }
    if (sidAt < 0 || cidAt < 0 || gradeAt < 0) {
        keepError(data.errors, data.moreErrors,
                  {1, 1,
                   "header must name the student id, course id and grade columns "
                   "(student-ID,course-id,...,grade)"});
        return data;
    }

    std::unordered_map<std::string, uint32_t> firstLine;
    std::vector<Field> record;
    while (reader.next(record)) {
        if (record.size() == 1 && record[0].text.empty())
            continue; // blank line
        const uint32_t line = record[0].line;
        if (record.size() != header.size()) {
            keepError(data.errors, data.moreErrors,
                      {line, 1,
                       "row has " + std::to_string(record.size()) + " fields, the header has " +
                           std::to_string(header.size())});
            continue;
        }
        const Field& sid = record[static_cast<size_t>(sidAt)];
        const Field& cid = record[static_cast<size_t>(cidAt)];
        const Field& grade = record[static_cast<size_t>(gradeAt)];
        if (!isValidIdentifier(sid.text)) {
            keepError(data.errors, data.moreErrors,
                      {sid.line, sid.column, "invalid student id " + quotedForMessage(sid.text)});
            continue;
        }
        if (!isValidIdentifier(cid.text)) {
            keepError(data.errors, data.moreErrors,
                      {cid.line, cid.column, "invalid course id " + quotedForMessage(cid.text)});
            continue;
        }
        if (const char* problem = valueProblem(grade.text)) {
            keepError(data.errors, data.moreErrors, {grade.line, grade.column, problem});
            continue;
        }
        const std::string packed = sid.text + '\0' + cid.text;
        auto [it, inserted] = firstLine.emplace(packed, line);
        if (!inserted) {
            keepError(data.errors, data.moreErrors,
                      {line, sid.column,
                       "duplicate key (" + sid.text + "," + cid.text + "), first on line " +
                           std::to_string(it->second)});
            continue;
        }
        QJsonObject attributes;
        for (size_t i = 0; i < record.size(); ++i) {
            if (static_cast<int>(i) == sidAt || static_cast<int>(i) == cidAt ||
                static_cast<int>(i) == gradeAt)
                continue;
            attributes.insert(QString::fromStdString(header[i].text),
                              QString::fromStdString(record[i].text));
        }
        SeedRow row{sid.text, cid.text, grade.text, {}, line};
        if (!attributes.isEmpty())
            row.attributes = QJsonDocument(attributes).toJson(QJsonDocument::Compact).toStdString();
        data.rows.push_back(std::move(row));
    }
    return data;
}

} // namespace syncscope
