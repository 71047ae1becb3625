#pragma once

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QListWidget;

namespace syncscope {

// Data > Follow…: which store to follow (the source) and which stores receive its writes (the
// targets; every other store at first). OK needs at least one target.
class FollowDialog : public QDialog {
    Q_OBJECT
public:
    FollowDialog(const QStringList& stores, QWidget* parent = nullptr);

    QString source() const;
    QStringList targets() const;
    void setSource(const QString& store);
    void setTargets(const QStringList& stores);

private:
    void sourceChanged();
    void updateOk();

    QComboBox* source_;
    QListWidget* targets_;
    QDialogButtonBox* buttons_;
};

} // namespace syncscope
