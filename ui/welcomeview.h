#pragma once

#include <QWidget>

namespace syncscope {

// What an empty window shows first: what Syncscope is for, the three ways in (the sample
// lecture with its grades, a script of one's own, a store of one's own), and the five commands
// of the language with an example each. Goes away once there is something to look at.
class WelcomeView : public QWidget {
    Q_OBJECT
public:
    explicit WelcomeView(QWidget* parent = nullptr);

Q_SIGNALS:
    void sampleLectureRequested();
    void openScriptRequested();
    void addStoreRequested();
};

} // namespace syncscope
