#include "hiveconnection.h"

#include "TCLIService.h"
#include "hiveql.h"
#include "hivetls.h"
#include "hivetransport.h"

#include <thrift/TApplicationException.h>
#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TTransportException.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

namespace syncscope {

namespace hs2 = syncscope::hs2;
using apache::thrift::TException;
using apache::thrift::transport::TTransportException;

namespace {
constexpr int kOldestColumnar = hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V6;

bool succeeded(const hs2::TStatus& s) {
    return s.statusCode == hs2::TStatusCode::SUCCESS_STATUS ||
           s.statusCode == hs2::TStatusCode::SUCCESS_WITH_INFO_STATUS;
}

HiveOutcome failure(const hs2::TStatus& s, const char* call) {
    HiveOutcome out{HiveOutcome::Kind::Failed, s.errorMessage, s.sqlState};
    if (out.message.empty())
        out.message = std::string(call) + " failed with status " + std::to_string(s.statusCode);
    return out;
}

// Row i of a column is null when bit i%8 of byte i/8 is set; bytes Hive left out mean "not
// null" (it sends a single 0x00 when nothing is).
bool isNull(const std::string& nulls, size_t row) {
    const size_t byte = row / 8;
    return byte < nulls.size() &&
           (static_cast<unsigned char>(nulls[byte]) & (1u << (row % 8))) != 0;
}

// Calls fn with the typed column the union holds (the binary one, empty, when none is set).
template <class Fn>
decltype(auto) visitColumn(const hs2::TColumn& col, Fn&& fn) {
    if (col.__isset.boolVal)
        return fn(col.boolVal);
    if (col.__isset.byteVal)
        return fn(col.byteVal);
    if (col.__isset.i16Val)
        return fn(col.i16Val);
    if (col.__isset.i32Val)
        return fn(col.i32Val);
    if (col.__isset.i64Val)
        return fn(col.i64Val);
    if (col.__isset.doubleVal)
        return fn(col.doubleVal);
    if (col.__isset.stringVal)
        return fn(col.stringVal);
    return fn(col.binaryVal);
}

// Column c of a batch into the row-major cells: integers of every width become int64_t.
template <class Column>
void spread(const Column& column, size_t c, HiveRows& out) {
    using Value = typename decltype(column.values)::value_type;
    for (size_t r = 0; r < column.values.size() && r < out.rows(); ++r) {
        HiveValue& cell = out.cells[r * out.columns + c];
        if (isNull(column.nulls, r))
            cell = HiveValue{};
        else if constexpr (std::is_integral_v<Value> && !std::is_same_v<Value, bool>)
            cell = static_cast<int64_t>(column.values[r]);
        else
            cell = static_cast<Value>(column.values[r]);
    }
}

// The columns a server sends as one blob in binaryColumns (HiveServer2 with
// hive.server2.thrift.resultset.serialize.in.tasks): columnCount TColumn structs, one after
// the other, in Thrift's compact protocol, as Hive's own ColumnBasedSet reads them.
bool decodeBinaryColumns(const hs2::TRowSet& set, std::vector<hs2::TColumn>& columns,
                         std::string& problem) {
    if (set.binaryColumns.empty())
        return true; // no rows, no columns: the end of the results
    if (!set.__isset.columnCount || set.columnCount < 0) {
        problem = "FetchResults sent binaryColumns without a column count";
        return false;
    }
    try {
        std::string blob = set.binaryColumns;
        auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>(
            reinterpret_cast<uint8_t*>(blob.data()), static_cast<uint32_t>(blob.size()),
            apache::thrift::transport::TMemoryBuffer::COPY);
        apache::thrift::protocol::TCompactProtocol protocol(buffer);
        columns.resize(static_cast<size_t>(set.columnCount));
        for (hs2::TColumn& column : columns)
            column.read(&protocol);
    } catch (const TException& e) {
        problem = std::string("FetchResults sent binaryColumns that are not Thrift compact "
                              "columns: ") +
                  e.what();
        return false;
    }
    return true;
}

// A columnar batch, row-major; every column must have the same number of rows.
bool toRows(const hs2::TRowSet& set, HiveRows& out, std::string& problem) {
    std::vector<hs2::TColumn> decoded;
    const bool binary = set.__isset.binaryColumns && set.columns.empty();
    if (binary && !decodeBinaryColumns(set, decoded, problem))
        return false;
    const std::vector<hs2::TColumn>& columns = binary ? decoded : set.columns;
    out.columns = columns.size();
    size_t rows = 0;
    for (size_t c = 0; c < columns.size(); ++c) {
        const size_t n =
            visitColumn(columns[c], [](const auto& typed) { return typed.values.size(); });
        if (c > 0 && n != rows) {
            problem = "FetchResults returned columns of different lengths";
            return false;
        }
        rows = n;
    }
    out.cells.assign(rows * out.columns, HiveValue{});
    for (size_t c = 0; c < columns.size(); ++c)
        visitColumn(columns[c], [&](const auto& typed) { spread(typed, c, out); });
    return true;
}
} // namespace

struct HiveConnection::Session {
    std::shared_ptr<apache::thrift::transport::TTransport> transport;
    std::unique_ptr<hs2::TCLIServiceClient> client;
    hs2::TSessionHandle handle;
    int protocol = 0;
    std::optional<hs2::TOperationHandle> cursor; // openCursor's statement, until closed

    ~Session() {
        try {
            if (transport && transport->isOpen())
                transport->close();
        } catch (const TException&) { // closing a broken socket: nothing left to do
        }
    }
};

HiveConnection::HiveConnection() {
    // Thrift prints its transport errors to stderr; ours are reported, with the store's name,
    // through the outcome of the call instead.
    static const bool quiet = [] {
        apache::thrift::GlobalOutput.setOutputFunction([](const char*) {});
        return true;
    }();
    (void)quiet;
}
HiveConnection::~HiveConnection() {
    disconnect();
}

bool HiveConnection::connected() const {
    return session_ != nullptr;
}

int HiveConnection::serverProtocol() const {
    return session_ ? session_->protocol : 0;
}

HiveOutcome HiveConnection::connect(const HiveEndpoint& endpoint) {
    disconnect();
    auto s = std::make_unique<Session>();
    try {
        s->transport = openHiveTransport(endpoint);
        s->client = std::make_unique<hs2::TCLIServiceClient>(
            std::make_shared<apache::thrift::protocol::TBinaryProtocol>(s->transport));

        hs2::TOpenSessionReq req;
        req.client_protocol = hs2::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V10;
        req.__set_username(endpoint.user);
        if (endpoint.auth == HiveEndpoint::Auth::NoSasl && !endpoint.password.empty())
            req.__set_password(endpoint.password);
        hs2::TOpenSessionResp resp;
        s->client->OpenSession(resp, req);
        if (!succeeded(resp.status))
            return failure(resp.status, "OpenSession");
        if (!resp.__isset.sessionHandle)
            return {HiveOutcome::Kind::Failed, "OpenSession returned no session", {}};
        s->handle = resp.sessionHandle;
        s->protocol = resp.serverProtocolVersion;
        session_ = std::move(s);
        if (session_->protocol < kOldestColumnar) {
            const int version = session_->protocol + 1;
            disconnect();
            return {HiveOutcome::Kind::Failed,
                    "the server speaks TCLIService protocol V" + std::to_string(version) +
                        "; Syncscope needs V6 or later (Hive 0.13 or newer)",
                    {}};
        }
    } catch (const HiveRefusal& e) {
        return {HiveOutcome::Kind::Failed, e.what(), e.sqlState()};
    } catch (const TTransportException& e) {
        // Lost, and so retried when reconnecting, even for HiveClosedBeforeAnswer: a proxy in
        // front of a server that is down closes connections so too. Opening a store does not
        // retry, and says the hint it carries.
        return {HiveOutcome::Kind::Lost, e.what(), "08001"};
    } catch (const TException& e) {
        return {HiveOutcome::Kind::Failed, e.what(), {}};
    }
    const std::optional<std::string> database = hiveIdentifier(endpoint.database);
    HiveOutcome used =
        database
            ? execute("USE " + *database, [] { return false; })
            : HiveOutcome{HiveOutcome::Kind::Failed,
                          "'" + endpoint.database + "' is not a database name (letters, digits, _)",
                          "42000"};
    if (!used.ok())
        disconnect();
    return used;
}

void HiveConnection::disconnect() {
    if (!session_)
        return;
    closeCursor();
    if (!session_)
        return; // closing it found the connection broken
    try {
        hs2::TCloseSessionReq req;
        req.sessionHandle = session_->handle;
        hs2::TCloseSessionResp resp;
        session_->client->CloseSession(resp, req);
    } catch (const TException&) { // the session ends with the socket anyway
    }
    session_.reset();
}

namespace {
// Submits `statement` asynchronously and polls its status with back-off until it ends; asks the
// server to cancel it as soon as `isCanceled` says so. The handle, once there is one, is left in
// `op` for the caller to fetch from and close. Transport errors propagate as exceptions.
void closeOperation(hs2::TCLIServiceClient& client, const hs2::TOperationHandle& op);

HiveOutcome runToEnd(hs2::TCLIServiceClient& client, const hs2::TSessionHandle& session,
                     const std::string& statement, const std::function<bool()>& isCanceled,
                     std::optional<hs2::TOperationHandle>& op, bool& hasResultSet,
                     const HiveWhileRunning& whileRunning = {}) {
    hs2::TExecuteStatementReq req;
    req.sessionHandle = session;
    req.statement = statement;
    req.__set_runAsync(true);
    hs2::TExecuteStatementResp resp;
    client.ExecuteStatement(resp, req);
    if (!succeeded(resp.status))
        return failure(resp.status, "ExecuteStatement");
    if (!resp.__isset.operationHandle)
        return {HiveOutcome::Kind::Failed, "ExecuteStatement returned no handle", {}};
    op = resp.operationHandle;
    hasResultSet = op->hasResultSet;
    auto pause = std::chrono::microseconds(500);
    for (;;) {
        if (isCanceled()) {
            hs2::TCancelOperationReq cancel;
            cancel.operationHandle = *op;
            hs2::TCancelOperationResp canceled;
            client.CancelOperation(canceled, cancel);
            return {HiveOutcome::Kind::Canceled, "canceled", {}};
        }
        hs2::TGetOperationStatusReq sreq;
        sreq.operationHandle = *op;
        hs2::TGetOperationStatusResp sresp;
        client.GetOperationStatus(sresp, sreq);
        if (!succeeded(sresp.status))
            return failure(sresp.status, "GetOperationStatus");
        const auto state = sresp.operationState;
        switch (state) {
        case hs2::TOperationState::FINISHED_STATE:
            // With async compilation the handle's flag can be stale; the status is not.
            if (sresp.__isset.hasResultSet)
                hasResultSet = sresp.hasResultSet;
            return {};
        case hs2::TOperationState::ERROR_STATE:
            return {HiveOutcome::Kind::Failed, sresp.errorMessage, sresp.sqlState};
        case hs2::TOperationState::CANCELED_STATE:
        case hs2::TOperationState::CLOSED_STATE:
        case hs2::TOperationState::TIMEDOUT_STATE:
            return {HiveOutcome::Kind::Failed,
                    "the server ended the statement (state " + std::to_string(state) + ")",
                    sresp.sqlState};
        case hs2::TOperationState::INITIALIZED_STATE:
        case hs2::TOperationState::RUNNING_STATE:
        case hs2::TOperationState::PENDING_STATE:
            break; // still on its way: poll again
        default:
            // UKNOWN_STATE (sic), or a state this client does not know: the statement's fate
            // cannot be told, and polling would never end. Hive's JDBC driver fails the same
            // way ("Unknown query").
            return {HiveOutcome::Kind::Failed,
                    "the server reports the statement in an unknown state (" +
                        std::to_string(state) + "); its effect cannot be told",
                    sresp.sqlState.empty() ? std::string("HY000") : sresp.sqlState};
        }
        if (whileRunning) {
            // A side statement's transport error propagates like the running one's: the
            // caller's guard then drops the session once, for both.
            whileRunning([&](const std::string& side) {
                std::optional<hs2::TOperationHandle> sideOp;
                bool sideRows = false;
                const HiveOutcome out =
                    runToEnd(client, session, side, isCanceled, sideOp, sideRows);
                if (sideOp)
                    closeOperation(client, *sideOp);
                return out;
            });
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(200000));
    }
}

// The next batch of at most `maxRows` rows; none at the end (Hive's hasMoreRows is unreliable,
// an empty batch is the end).
HiveOutcome fetchBatch(hs2::TCLIServiceClient& client, const hs2::TOperationHandle& op,
                       int64_t maxRows, HiveRows& rows) {
    hs2::TFetchResultsReq req;
    req.operationHandle = op;
    req.orientation = hs2::TFetchOrientation::FETCH_NEXT;
    req.maxRows = maxRows;
    hs2::TFetchResultsResp resp;
    client.FetchResults(resp, req);
    if (!succeeded(resp.status))
        return failure(resp.status, "FetchResults");
    std::string problem;
    if (!toRows(resp.results, rows, problem))
        return {HiveOutcome::Kind::Failed, problem, {}};
    return {};
}

void closeOperation(hs2::TCLIServiceClient& client, const hs2::TOperationHandle& op) {
    hs2::TCloseOperationReq req;
    req.operationHandle = op;
    hs2::TCloseOperationResp resp;
    client.CloseOperation(resp, req);
}
} // namespace

HiveOutcome HiveConnection::guarded(const std::function<HiveOutcome()>& call) {
    if (!session_)
        return {HiveOutcome::Kind::Lost, "not connected", "08003"};
    try {
        return call();
    } catch (const HiveRefusal& e) {
        // An HTTP status: the server is there but refused the request (a 401 after its cookie
        // and the password both failed, a 5xx); the connection state is unknown all the same.
        session_.reset();
        return {HiveOutcome::Kind::Failed, e.what(), e.sqlState()};
    } catch (const TTransportException& e) {
        session_.reset(); // the socket is in an unknown state: the next call connects afresh
        return {HiveOutcome::Kind::Lost, e.what(), "08006"};
    } catch (const TException& e) {
        return {HiveOutcome::Kind::Failed, e.what(), {}};
    }
}

HiveOutcome HiveConnection::execute(const std::string& statement,
                                    const std::function<bool()>& isCanceled,
                                    const std::function<void(HiveRows&&)>& take, int64_t fetchRows,
                                    const HiveWhileRunning& whileRunning) {
    return guarded([&] {
        hs2::TCLIServiceClient& client = *session_->client;
        std::optional<hs2::TOperationHandle> op;
        bool hasResultSet = false;
        HiveOutcome out = runToEnd(client, session_->handle, statement, isCanceled, op,
                                   hasResultSet, whileRunning);
        while (out.ok() && hasResultSet) {
            if (isCanceled()) {
                out = {HiveOutcome::Kind::Canceled, "canceled", {}};
                break;
            }
            HiveRows rows;
            out = fetchBatch(client, *op, fetchRows, rows);
            if (!out.ok() || rows.rows() == 0)
                break;
            if (take)
                take(std::move(rows));
        }
        if (op)
            closeOperation(client, *op); // on every way out
        return out;
    });
}

HiveOutcome HiveConnection::openCursor(const std::string& statement,
                                       const std::function<bool()>& isCanceled) {
    closeCursor();
    return guarded([&] {
        hs2::TCLIServiceClient& client = *session_->client;
        std::optional<hs2::TOperationHandle> op;
        bool hasResultSet = false;
        HiveOutcome out =
            runToEnd(client, session_->handle, statement, isCanceled, op, hasResultSet);
        if (out.ok() && !hasResultSet)
            out = {HiveOutcome::Kind::Failed, "the statement returns no rows", {}};
        if (out.ok())
            session_->cursor = op;
        else if (op)
            closeOperation(client, *op);
        return out;
    });
}

HiveOutcome HiveConnection::fetchCursor(int64_t maxRows, HiveRows& rows) {
    if (session_ && !session_->cursor)
        return {HiveOutcome::Kind::Failed, "no statement is open for fetching", {}};
    return guarded([&] { return fetchBatch(*session_->client, *session_->cursor, maxRows, rows); });
}

void HiveConnection::closeCursor() {
    if (!session_ || !session_->cursor)
        return;
    const hs2::TOperationHandle op = *std::exchange(session_->cursor, std::nullopt);
    guarded([&] {
        closeOperation(*session_->client, op);
        return HiveOutcome{};
    });
}

bool HiveConnection::cursorOpen() const {
    return session_ && session_->cursor.has_value();
}

} // namespace syncscope
