#include "redisconnection.h"

#include "utf8.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <mutex>

namespace syncscope {

RedisReply::RedisReply(redisReply* reply)
    : reply_(reply) {}

void RedisReply::Free::operator()(redisReply* r) const {
    freeReplyObject(r);
}

bool RedisReply::isError() const {
    return reply_ && reply_->type == REDIS_REPLY_ERROR;
}
bool RedisReply::isNil() const {
    return isNil(reply_.get());
}
bool RedisReply::isArray() const {
    return reply_ && reply_->type == REDIS_REPLY_ARRAY;
}
bool RedisReply::isInteger() const {
    return reply_ && reply_->type == REDIS_REPLY_INTEGER;
}
long long RedisReply::integer() const {
    return reply_ ? reply_->integer : 0;
}
std::string_view RedisReply::text() const {
    return textOf(reply_.get());
}
size_t RedisReply::size() const {
    return isArray() ? reply_->elements : 0;
}
const redisReply* RedisReply::element(size_t i) const {
    return reply_->element[i];
}

std::string_view RedisReply::textOf(const redisReply* r) {
    if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS &&
               r->type != REDIS_REPLY_ERROR))
        return {};
    return {r->str, r->len};
}

bool RedisReply::isNil(const redisReply* r) {
    return !r || r->type == REDIS_REPLY_NIL;
}

RedisArgs& RedisArgs::operator<<(std::string_view arg) {
    offsets_.push_back(bytes_.size());
    lengths_.push_back(arg.size());
    bytes_.append(arg);
    return *this;
}

RedisArgs& RedisArgs::operator<<(long long number) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    return *this << std::string_view(digits, static_cast<size_t>(end - digits));
}

void RedisArgs::clear() {
    bytes_.clear();
    offsets_.clear();
    lengths_.clear();
}

void RedisArgs::view(std::vector<const char*>& argv, std::vector<size_t>& lengths) const {
    argv.resize(offsets_.size());
    for (size_t i = 0; i < offsets_.size(); ++i)
        argv[i] = bytes_.data() + offsets_[i];
    lengths = lengths_;
}

RedisConnection::~RedisConnection() {
    close();
}

namespace {
timeval toTimeval(int ms) {
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}
QString replyText(const RedisReply& r) {
    return toQString(r.text());
}
} // namespace

bool RedisConnection::connect(const Endpoint& e, QString& why) {
    // hiredis writes with write(2): a server that went away would kill the whole program with
    // SIGPIPE instead of failing the call. Ignored once, for the process, before any connection.
    static std::once_flag ignoreSigpipe;
    std::call_once(ignoreSigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
    close();
    context_ = redisConnectWithTimeout(e.host.c_str(), e.port, toTimeval(e.connectTimeoutMs));
    if (!context_ || context_->err) {
        why = context_ ? QString::fromUtf8(context_->errstr)
                       : QStringLiteral("out of memory making a connection");
        close();
        return false;
    }
    redisSetTimeout(context_, toTimeval(e.readTimeoutMs));
    readTimeoutMs_ = e.readTimeoutMs;
    redisEnableKeepAlive(context_);
    const auto run = [&](const RedisArgs& args, const QString& step) {
        const RedisReply r = command(args, why);
        if (r && !r.isError())
            return true;
        if (r)
            why = step + QStringLiteral(": ") + replyText(r);
        close();
        return false;
    };
    if (!e.password.empty()) {
        RedisArgs auth;
        auth << "AUTH";
        if (!e.user.empty())
            auth << e.user;
        auth << e.password;
        if (!run(auth, QStringLiteral("authentication as %1 failed")
                           .arg(QString::fromStdString(e.user.empty() ? "default" : e.user))))
            return false;
    }
    RedisArgs select;
    select << "SELECT" << e.database;
    if (!run(select, QStringLiteral("cannot select database %1").arg(e.database)))
        return false;
    return true;
}

void RedisConnection::close() {
    if (context_)
        redisFree(context_);
    context_ = nullptr;
}

bool RedisConnection::broken() const {
    return !context_ || context_->err != 0;
}

QString RedisConnection::ioError() const {
    if (!context_)
        return QStringLiteral("not connected");
    if (!context_->err)
        return {};
    // hiredis 0.14 reports its read timeout as the socket's EAGAIN: say what it means.
    if (context_->err == REDIS_ERR_IO &&
        (std::strcmp(context_->errstr, std::strerror(EAGAIN)) == 0 ||
         std::strcmp(context_->errstr, std::strerror(EWOULDBLOCK)) == 0))
        return QStringLiteral("the server gave no answer within %1 s (read_timeout)")
            .arg(static_cast<double>(readTimeoutMs_) / 1000.0);
    return QString::fromUtf8(context_->errstr);
}

int RedisConnection::socket() const {
    return context_ ? context_->fd : -1;
}

RedisReply RedisConnection::command(const RedisArgs& args, QString& why) {
    if (!append(args, why))
        return {};
    return next(why);
}

bool RedisConnection::append(const RedisArgs& args, QString& why) {
    if (broken()) {
        why = ioError();
        return false;
    }
    args.view(argv_, lengths_);
    if (redisAppendCommandArgv(context_, args.count(), argv_.data(), lengths_.data()) != REDIS_OK) {
        why = ioError();
        return false;
    }
    return true;
}

RedisReply RedisConnection::next(QString& why) {
    void* reply = nullptr;
    if (broken() || redisGetReply(context_, &reply) != REDIS_OK || !reply) {
        why = ioError();
        if (why.isEmpty())
            why = QStringLiteral("no reply");
        return {};
    }
    return RedisReply(static_cast<redisReply*>(reply));
}

bool RedisConnection::readAvailable(QString& why) {
    if (broken() || redisBufferRead(context_) != REDIS_OK) {
        why = ioError();
        return false;
    }
    return true;
}

RedisReply RedisConnection::nextBuffered(QString& why) {
    void* reply = nullptr;
    if (broken() || redisGetReplyFromReader(context_, &reply) != REDIS_OK) {
        why = ioError();
        return {};
    }
    return RedisReply(static_cast<redisReply*>(reply));
}

RedisTransaction::RedisTransaction(RedisConnection& conn)
    : conn_(conn) {
    RedisArgs multi;
    multi << "MULTI";
    add(multi);
}

void RedisTransaction::add(const RedisArgs& command) {
    ++queued_;
    sent_ = sent_ && conn_.append(command, why_);
}

RedisTransaction::Outcome RedisTransaction::exec(QString& why, bool* partial) {
    RedisArgs execute;
    execute << "EXEC";
    add(execute);
    if (partial)
        *partial = false;
    if (!sent_) {
        why = why_;
        return Outcome::Lost;
    }
    RedisReply result;
    for (size_t i = 0; i < queued_; ++i) {
        RedisReply r = conn_.next(why);
        if (!r)
            return Outcome::Lost;
        if (r.isError() && i + 1 < queued_) {
            // Refused while queueing: EXEC discards the whole transaction (EXECABORT). The
            // rest of the replies are read so the connection stays in step.
            why = replyText(r);
            for (size_t j = i + 1; j < queued_; ++j)
                conn_.next(why_);
            return Outcome::Refused;
        }
        result = std::move(r);
    }
    if (result.isNil())
        return Outcome::Aborted;
    if (result.isError()) {
        why = replyText(result);
        return Outcome::Refused;
    }
    // Redis runs the rest of a transaction after a command fails at execution.
    for (size_t i = 0; i < result.size(); ++i)
        if (result.element(i)->type == REDIS_REPLY_ERROR) {
            why = toQString(RedisReply::textOf(result.element(i)));
            if (partial)
                *partial = true;
            return Outcome::Refused;
        }
    return Outcome::Committed;
}

} // namespace syncscope
