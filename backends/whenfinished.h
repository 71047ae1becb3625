#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <type_traits>
#include <utility>

namespace syncscope {

// Runs fn on context's thread once future has finished, with the future (to take a large result
// out of it) or with its result. Used instead of QFuture::then(context, fn) everywhere: in Qt 6.4
// then() can run its continuation twice when the future finishes on another thread while then()
// attaches it (setContinuation runs the continuation of a finished future and still stores it,
// and the finishing thread runs the stored copy again, posting a moved-from promise that crashes
// in reportStarted; Qt 6.5 added a flag against it). A QFutureWatcher learns of the finish under
// the future's own mutex, so it cannot see it twice. Like then(), a future canceled before it
// produced a result runs nothing, and nothing runs once context is gone.
template <class T, class Fn>
void whenFinished(QFuture<T> future, QObject* context, Fn fn) {
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, fn = std::move(fn)]() mutable {
                         QFuture<T> done = watcher->future();
                         watcher->deleteLater();
                         if (done.resultCount() == 0)
                             return;
                         if constexpr (std::is_invocable_v<Fn&, QFuture<T>>)
                             fn(std::move(done));
                         else
                             fn(done.takeResult());
                     });
    watcher->setFuture(std::move(future));
}

} // namespace syncscope
