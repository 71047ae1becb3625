#pragma once

#include "storedirectory.h"
#include "storefactory.h"

#include <QDialog>

#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace syncscope {

// Add or edit one store of a workspace: name, aliases and backend. The kinds come from
// StoreFactory's descriptions; those this build cannot use yet are listed, disabled, with the
// reason. A kind's connection settings (host, port, database, user, TLS, timeouts…) are fields
// generated from its BackendOption list, kept in step with the URI both ways: a field edits its
// part of the URI and leaves the rest alone; a URI typed or pasted fills the fields (and picks
// the kind). OK stays refused (the reason shown) until the name and URI are valid. A server's
// password may be typed too: the caller keeps it in the keychain, never in the workspace.
class StoreDialog : public QDialog {
    Q_OBJECT
public:
    // `taken`: names and aliases of the other stores, which this one may not reuse.
    StoreDialog(const StoreSpec& initial, QStringList taken, QWidget* parent = nullptr);

    StoreSpec spec() const;
    // The password typed for a server, or an empty string: keep the one saved, if any.
    QString password() const;
    // Why the current fields are not a valid store, or an empty string.
    QString problem() const;

    void accept() override;

private:
    struct Field {
        BackendOption option;
        QLineEdit* text = nullptr;   // free text
        QComboBox* choice = nullptr; // a closed set, with "" for the default
    };
    void showFieldsOfKind();
    void fieldsToUri();
    void uriToFields();
    QString fieldValue(const Field& f) const;
    QWidget* withFileChooser(QLineEdit* field, const BackendOption& option);

    QLineEdit* name_ = nullptr;
    QLineEdit* aliases_ = nullptr;
    QComboBox* kind_ = nullptr;
    QLineEdit* uri_ = nullptr;
    QLineEdit* password_ = nullptr;
    QFormLayout* fieldForm_ = nullptr;
    std::vector<Field> fields_;
    QLabel* error_ = nullptr;
    QStringList taken_;
    StoreSpec initial_; // the store being edited (an empty name: one being added)
};

} // namespace syncscope
