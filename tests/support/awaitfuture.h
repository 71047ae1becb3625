#pragma once
// A store worker's answer, waited for (tests only: the program never blocks on a future).
#include <QFuture>

template <class T>
T await(QFuture<T> f) {
    f.waitForFinished();
    return f.result();
}
