#pragma once

#include <QObject>
#include <QPointer>

class QMenu;

namespace syncscope {

class CommandSession;
class MainWindow;
class PropertyLabDialog;

// Merge ▸ Property Lab… (Ctrl+Shift+P): opens the lab with the classic question set up (each
// of the first two stores merging from the other). Run copies the chosen stores' history on
// the engine's thread, after every command handed to it so far (cheap: the keys they disagree
// on), and runs every order of the merges on the thread pool; a newer Run supersedes an older.
class LabActions : public QObject {
    Q_OBJECT
public:
    LabActions(MainWindow* window, QMenu* menu, CommandSession* commands,
               QObject* parent = nullptr);

    PropertyLabDialog* open();
    PropertyLabDialog* dialog() const;

private:
    void run();

    MainWindow* window_;
    CommandSession* commands_;
    QPointer<PropertyLabDialog> dialog_;
    quint64 generation_ = 0;
};

} // namespace syncscope
