#pragma once
// The TCLIService methods of the HiveServer2 test peer, over SQLite files (one per Hive
// database, in the peer's folder). Each session has its own SQLite connection; statements run
// on a thread of their own, so GetOperationStatus polls and CancelOperation interrupts them as
// on a real server.
#include "TCLIService.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hs2peer {

struct PeerOptions {
    std::string folder;       // where the databases' SQLite files live
    int statementDelayMs = 0; // each statement waits this long first (tests of polling, cancel)
    std::string delayOnly;    // non-empty: only statements containing it wait
    int protocol = 9;         // the newest TProtocolVersion served (V10)
    bool acid = false;        // plays a Hive with ACID tables (DbTxnManager): MERGE works
    // Plays a Hive whose hive.strict.checks.orderby.no.limit and .cartesian.product are true
    // (both false by default since Hive 3; cartesian.product was true in Hive 2).
    bool strictChecks = false;
    // Sends results in TRowSet.binaryColumns (Thrift compact columns), as HiveServer2 does with
    // hive.server2.thrift.resultset.serialize.in.tasks.
    bool binaryColumns = false;
    // Non-empty: statements containing it are reported in UKNOWN_STATE, however they ended.
    std::string unknownState;
    // GetOperationStatus waits this long for a running statement to end (Hive's default is
    // 5 s; shorter here, because the client checks for Cancel between polls).
    int longPollMs = 100;
};

struct Session;
struct Operation;

class PeerService : public syncscope::hs2::TCLIServiceIf {
public:
    explicit PeerService(PeerOptions options);
    ~PeerService() override;

    void OpenSession(syncscope::hs2::TOpenSessionResp& out,
                     const syncscope::hs2::TOpenSessionReq& req) override;
    void CloseSession(syncscope::hs2::TCloseSessionResp& out,
                      const syncscope::hs2::TCloseSessionReq& req) override;
    void ExecuteStatement(syncscope::hs2::TExecuteStatementResp& out,
                          const syncscope::hs2::TExecuteStatementReq& req) override;
    void GetOperationStatus(syncscope::hs2::TGetOperationStatusResp& out,
                            const syncscope::hs2::TGetOperationStatusReq& req) override;
    void CancelOperation(syncscope::hs2::TCancelOperationResp& out,
                         const syncscope::hs2::TCancelOperationReq& req) override;
    void CloseOperation(syncscope::hs2::TCloseOperationResp& out,
                        const syncscope::hs2::TCloseOperationReq& req) override;
    void GetResultSetMetadata(syncscope::hs2::TGetResultSetMetadataResp& out,
                              const syncscope::hs2::TGetResultSetMetadataReq& req) override;
    void FetchResults(syncscope::hs2::TFetchResultsResp& out,
                      const syncscope::hs2::TFetchResultsReq& req) override;

    // Statements executed so far, for the peer's log line at exit.
    long long statements() const { return statements_; }

private:
    std::shared_ptr<Session> session(const syncscope::hs2::TSessionHandle& handle);
    std::shared_ptr<Operation> operation(const syncscope::hs2::TOperationHandle& handle);
    void reapClosed(); // joins the closed operations' threads that have returned (under mutex_)

    PeerOptions options_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Session>> sessions_;
    std::map<std::string, std::shared_ptr<Operation>> operations_;
    // Closed while running: canceled, their threads joined once they have returned.
    std::vector<std::shared_ptr<Operation>> closing_;
    std::atomic<long long> statements_{0};
};

} // namespace hs2peer
