#include "keychainpasswords.h"

#include <qt6keychain/keychain.h>

#include <QPromise>

#include <memory>

namespace syncscope::keychain {

namespace {

// One service name for every entry, so the user finds them together in the keyring's manager.
const QString kService = QStringLiteral("Syncscope");

// Starts `job` (which deletes itself once finished) and answers through the returned future
// with what `answer` makes of the finished job.
template <class T, class Job, class Answer>
QFuture<T> run(Job* job, Answer answer) {
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QObject::connect(job, &QKeychain::Job::finished, job,
                     [promise, answer = std::move(answer)](QKeychain::Job* done) {
                         promise->addResult(answer(*static_cast<Job*>(done)));
                         promise->finish();
                     });
    job->start();
    return promise->future();
}

QString problemOf(const QKeychain::Job& job) {
    return job.error() == QKeychain::NoError ? QString() : job.errorString();
}

} // namespace

QFuture<Answer> readPassword(const QString& uri) {
    auto* job = new QKeychain::ReadPasswordJob(kService);
    job->setKey(uri);
    return run<Answer>(job, [](const QKeychain::ReadPasswordJob& done) {
        Answer a;
        if (done.error() == QKeychain::NoError)
            a.password = done.textData();
        else if (done.error() != QKeychain::EntryNotFound)
            a.problem = done.errorString();
        return a;
    });
}

QFuture<QString> savePassword(const QString& uri, const QString& password) {
    auto* job = new QKeychain::WritePasswordJob(kService);
    job->setKey(uri);
    job->setTextData(password);
    return run<QString>(job,
                        [](const QKeychain::WritePasswordJob& done) { return problemOf(done); });
}

QFuture<QString> forgetPassword(const QString& uri) {
    auto* job = new QKeychain::DeletePasswordJob(kService);
    job->setKey(uri);
    return run<QString>(job, [](const QKeychain::DeletePasswordJob& done) {
        return done.error() == QKeychain::EntryNotFound ? QString() : problemOf(done);
    });
}

} // namespace syncscope::keychain
