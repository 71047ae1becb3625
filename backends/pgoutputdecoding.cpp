#include "pgoutputdecoding.h"

namespace syncscope {

namespace {

// A cursor over a message in network byte order; every read checks what is left.
class Reader {
public:
    explicit Reader(std::string_view data)
        : data_(data) {}
    bool ok() const { return ok_; }
    size_t left() const { return data_.size() - at_; }
    uint64_t uint(int bytes) {
        if (left() < static_cast<size_t>(bytes)) {
            ok_ = false;
            return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | static_cast<unsigned char>(data_[at_++]);
        return v;
    }
    char byte() { return static_cast<char>(uint(1)); }
    std::string cstring() {
        const size_t end = data_.find('\0', at_);
        if (end == std::string_view::npos) {
            ok_ = false;
            return {};
        }
        std::string s(data_.substr(at_, end - at_));
        at_ = end + 1;
        return s;
    }
    std::string_view bytes(size_t n) {
        if (left() < n) {
            ok_ = false;
            return {};
        }
        const std::string_view s = data_.substr(at_, n);
        at_ += n;
        return s;
    }
    std::string_view rest() { return bytes(left()); }

private:
    std::string_view data_;
    size_t at_ = 0;
    bool ok_ = true;
};

bool readTuple(Reader& in, PgTuple& tuple, QString& error) {
    const auto columns = static_cast<int>(in.uint(2));
    tuple.assign(static_cast<size_t>(std::max(columns, 0)), PgValue());
    for (PgValue& v : tuple) {
        const char kind = in.byte();
        if (kind == 'n') {
            v.kind = PgValue::Null;
        } else if (kind == 'u') {
            v.kind = PgValue::Unchanged;
        } else if (kind == 't' || kind == 'b') {
            v.kind = PgValue::Text;
            v.text = std::string(in.bytes(static_cast<size_t>(in.uint(4))));
        } else if (in.ok()) {
            error =
                QStringLiteral("a column of kind '%1' in a pgoutput row").arg(QLatin1Char(kind));
            return false;
        }
    }
    return in.ok();
}

} // namespace

bool decodePgoutput(std::string_view data, PgMessage& out, QString& error) {
    Reader in(data);
    out = PgMessage();
    const char tag = in.byte();
    switch (tag) {
    case 'B':
        out.kind = PgMessage::Begin;
        out.finalLsn = in.uint(8);
        out.commitTime = static_cast<int64_t>(in.uint(8));
        out.xid = static_cast<uint32_t>(in.uint(4));
        break;
    case 'C':
        out.kind = PgMessage::Commit;
        in.byte(); // flags
        out.commitLsn = in.uint(8);
        out.endLsn = in.uint(8);
        out.commitTime = static_cast<int64_t>(in.uint(8));
        break;
    case 'R': {
        out.kind = PgMessage::Relation;
        out.relation = static_cast<uint32_t>(in.uint(4));
        out.nspace = in.cstring();
        out.name = in.cstring();
        in.byte(); // replica identity
        const auto columns = static_cast<int>(in.uint(2));
        for (int i = 0; i < columns && in.ok(); ++i) {
            in.byte(); // flags (part of the key)
            out.columns.push_back(in.cstring());
            in.uint(4); // type
            in.uint(4); // type modifier
        }
        break;
    }
    case 'I':
        out.kind = PgMessage::Insert;
        out.relation = static_cast<uint32_t>(in.uint(4));
        if (in.byte() != 'N' && in.ok()) {
            error = QStringLiteral("a pgoutput INSERT without its new row");
            return false;
        }
        if (!readTuple(in, out.newRow, error))
            break;
        break;
    case 'U': {
        out.kind = PgMessage::Update;
        out.relation = static_cast<uint32_t>(in.uint(4));
        char part = in.byte();
        if (part == 'K' || part == 'O') {
            out.oldRow.emplace();
            if (!readTuple(in, *out.oldRow, error))
                break;
            part = in.byte();
        }
        if (part != 'N' && in.ok()) {
            error = QStringLiteral("a pgoutput UPDATE without its new row");
            return false;
        }
        readTuple(in, out.newRow, error);
        break;
    }
    case 'D': {
        out.kind = PgMessage::Delete;
        out.relation = static_cast<uint32_t>(in.uint(4));
        const char part = in.byte();
        if (part != 'K' && part != 'O' && in.ok()) {
            error = QStringLiteral("a pgoutput DELETE without the deleted key");
            return false;
        }
        out.oldRow.emplace();
        readTuple(in, *out.oldRow, error);
        break;
    }
    case 'T': {
        out.kind = PgMessage::Truncate;
        const auto relations = static_cast<uint32_t>(in.uint(4));
        in.byte(); // options (CASCADE, RESTART IDENTITY)
        for (uint32_t i = 0; i < relations && in.ok(); ++i)
            out.truncated.push_back(static_cast<uint32_t>(in.uint(4)));
        break;
    }
    case 'M':
        out.kind = PgMessage::Message;
        out.transactional = (in.byte() & 1) != 0;
        in.uint(8); // the message's LSN
        out.prefix = in.cstring();
        in.bytes(static_cast<size_t>(in.uint(4))); // its content: the prefix is the mark
        break;
    default:
        out.kind = PgMessage::Ignored; // Origin, Type: nothing capture needs
        return true;
    }
    if (!error.isEmpty())
        return false;
    if (!in.ok()) {
        error = QStringLiteral("a pgoutput message '%1' cut short").arg(QLatin1Char(tag));
        return false;
    }
    return true;
}

bool decodeReplicationFrame(std::string_view data, PgReplicationFrame& out, QString& error) {
    Reader in(data);
    out = PgReplicationFrame();
    const char tag = in.byte();
    if (tag == 'w') {
        out.kind = PgReplicationFrame::XLogData;
        out.walStart = in.uint(8);
        out.walEnd = in.uint(8);
        in.uint(8); // send time
        out.payload = in.rest();
    } else if (tag == 'k') {
        out.kind = PgReplicationFrame::Keepalive;
        out.walEnd = in.uint(8);
        in.uint(8); // send time
        out.replyRequested = in.byte() != 0;
    } else {
        out.kind = PgReplicationFrame::Other;
        return true;
    }
    if (!in.ok()) {
        error = QStringLiteral("a replication message '%1' cut short").arg(QLatin1Char(tag));
        return false;
    }
    return true;
}

std::string standbyStatusUpdate(uint64_t lsn, int64_t nowMicrosSince2000, bool replyRequested) {
    std::string s(1, 'r');
    auto put = [&s](uint64_t v, int bytes) {
        for (int i = bytes - 1; i >= 0; --i)
            s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    put(lsn, 8); // written
    put(lsn, 8); // flushed
    put(lsn, 8); // applied
    put(static_cast<uint64_t>(nowMicrosSince2000), 8);
    s.push_back(replyRequested ? 1 : 0);
    return s;
}

QString lsnText(uint64_t lsn) {
    return QStringLiteral("%1/%2")
        .arg(static_cast<uint32_t>(lsn >> 32), 0, 16)
        .arg(static_cast<uint32_t>(lsn), 0, 16)
        .toUpper();
}

std::optional<uint64_t> parseLsn(const QString& text) {
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return std::nullopt;
    bool high = false;
    bool low = false;
    const uint64_t h = text.left(slash).toULongLong(&high, 16);
    const uint64_t l = text.mid(slash + 1).toULongLong(&low, 16);
    if (!high || !low || h > 0xffffffffULL || l > 0xffffffffULL)
        return std::nullopt;
    return (h << 32) | l;
}

} // namespace syncscope
