// Plan and apply a 1,000,000-key merge into an SQLite store through the GUI's merge
// runner (batches committed one by one, every key audited), as a ratio to a raw batched insert
// of the same rows measured in the same run; the UI thread's longest stall while it applies.
#include "benchutil.h"
#include "commandsession.h"
#include "gradetablemodel.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "mergeactions.h"
#include "mergerunner.h"
#include "sqlitefastpath.h"
#include "sqliteraw.h"
#include "uiprobe.h"
#include "workspacesession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFuture>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeBench"));
    QTemporaryDir dir;
    qputenv("SYNCSCOPE_AUDIT_DB", dir.filePath(QStringLiteral("audit.db")).toUtf8());
    const int keys = 1000000;
    const QString hive = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("hive.db"));
    const QString sql = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sql.db"));
    if (!bench::fillStore(hive, "HIVE", keys)) {
        std::fprintf(stderr, "bench_merge_apply: cannot fill the source store\n");
        return 1;
    }

    GuiApp gui({{"SQL", {}, sql.toStdString()}, {"HIVE", {}, hive.toStdString()}},
               QStringLiteral("bench"));
    gui.start();
    if (!QTest::qWaitForWindowExposed(gui.window()))
        return 1;
    // The window also loads both stores' tables into its panels (a million rows each, on the
    // stores' threads): the apply is timed once that is over, not competing with it for the
    // machine's two cores.
    const auto loading = [&gui] {
        for (int store = 0; store < 2; ++store)
            if (gui.session()->grades(store)->isLoading())
                return true;
        return !gui.commands()->isReady();
    };
    while (loading())
        QTest::qWait(5);

    MergeRunner* runner = gui.merges()->runner();
    MergeRequest request;
    request.targets = {0};
    request.sources = {1};
    QSignalSpy previews(runner, &MergeRunner::previewReady);
    QSignalSpy finished(runner, &MergeRunner::finished);
    QSignalSpy verified(runner, &MergeRunner::verified);
    const double plan = bench::seconds([&] {
        runner->preview(request, {});
        while (previews.isEmpty())
            QTest::qWait(1);
    });
    const auto preview = previews.at(0).at(0).value<std::shared_ptr<const MergePreview>>();
    if (preview->totalWrites() != static_cast<size_t>(keys)) {
        std::fprintf(stderr, "bench_merge_apply: planned %zu writes, not %d\n",
                     preview->totalWrites(), keys);
        return 1;
    }

    bench::LatencyProbe probe;
    probe.start();
    QElapsedTimer sinceApply;
    sinceApply.start();
    const double apply = bench::seconds([&] {
        runner->apply();
        while (finished.isEmpty())
            QTest::qWait(2);
    });
    const double stall = probe.stop();
    // The audit rows follow each batch's commit on their own thread; a read queued behind
    // them tells when the last is written.
    QFuture<Result<std::vector<AuditEntry>>> auditRead = runner->readAudit(1);
    double auditWritten = 0;
    const double verify = bench::seconds([&] {
        while (verified.isEmpty() || !auditRead.isFinished()) {
            if (auditRead.isFinished() && auditWritten == 0)
                auditWritten = static_cast<double>(sinceApply.nsecsElapsed()) / 1e9;
            QTest::qWait(2);
        }
    });
    if (auditWritten == 0)
        auditWritten = static_cast<double>(sinceApply.nsecsElapsed()) / 1e9;
    if (!auditRead.result() || auditRead.result().value().empty() ||
        auditRead.result().value().back().kind != QLatin1String("end")) {
        std::fprintf(stderr,
                     "bench_merge_apply: the audit log does not end with the merge's end\n");
        return 1;
    }
    if (verified.at(0).at(1).toLongLong() != 0) {
        std::fprintf(stderr, "bench_merge_apply: %s\n",
                     qPrintable(verified.at(0).at(0).toString()));
        return 1;
    }

    // The reference: the same million rows, inserted raw in one transaction.
    const std::vector<LogRecord> rows = bench::storeRows("HIVE", keys);
    const double raw = bench::rawInsert(dir.filePath(QStringLiteral("raw.db")).toStdString(), rows);
    // Beside it, for the record: the same rows by multi-row INSERTs, as the store writes them.
    const double rawMultiRow =
        bench::rawInsert(dir.filePath(QStringLiteral("raw-multirow.db")).toStdString(), rows,
                         SqliteFastPath::kRowsPerStatement);
    const double ratio = raw / apply;
    bench::Json("merge_plan")
        .str("input", "SQL.MERGE(HIVE), 1,000,000 keys, last writer wins")
        .num("seconds", plan)
        .print();
    bench::Json("merge_apply")
        .num("seconds", apply)
        .num("writes_per_s", keys / apply)
        .num("verify_after_s", verify)
        .num("audit_written_s", auditWritten)
        .num("reference_raw_insert_s", raw)
        .num("ours_over_raw", ratio)
        .num("reference_multirow_insert_s", rawMultiRow)
        .num("ours_over_multirow", rawMultiRow / apply)
        .num("target", 0.5)
        .flag("meets_target", ratio >= 0.5)
        .print();
    bench::Json("merge_apply_stall")
        .num("longest_stall_ms", stall)
        .num("target_ms", 50)
        .flag("meets_target", stall < 50)
        .print();
    return 0;
}
