#include "scriptfile.h"

#include "scriptbinding.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace syncscope {

std::shared_ptr<OpenedScript> readScriptFile(const QString& path, const StoreDirectory& directory) {
    auto opened = std::make_shared<OpenedScript>();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        opened->readError = file.errorString();
        return opened;
    }
    const QByteArray bytes = file.readAll();
    // A binary file (a PDF or an image picked by mistake) is refused whole, not shown
    // as garbage with an error on some line.
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0) {
        opened->readError = QStringLiteral("not a text file (a zero byte at offset %1); a testcase "
                                           "script is text, one command per line")
                                .arg(nul);
        return opened;
    }
    QStringDecoder utf8(QStringDecoder::Utf8);
    opened->text = utf8(bytes);
    if (utf8.hasError()) {
        opened->readError = QStringLiteral("not UTF-8 text; save the script as UTF-8");
        return opened;
    }
    opened->script = std::make_shared<Script>(
        parseScript(QFileInfo(path).fileName().toStdString(),
                    std::string(bytes.constData(), static_cast<size_t>(bytes.size()))));
    StoreBinding binding;
    ErrorList errors = checkScript(*opened->script, &directory, binding);
    opened->script->errors = std::move(errors.shown);
    opened->script->moreErrors = errors.more;
    opened->stores = std::move(binding.storeOfName);
    return opened;
}

} // namespace syncscope
