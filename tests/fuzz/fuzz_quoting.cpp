// libFuzzer target: the functions that put outside text where it could be obeyed or read.
//  - hiveStringLiteral, the one escaping between a value and a HiveQL statement (HiveServer2
//    has no bound parameters): for any bytes, the statement HiveServer2 would see after its
//    variable substitution holds exactly one literal, and Hive's unescaping (the hs2 peer's
//    copy of it) gives those bytes back. Nothing of the value can end the literal, add a
//    statement or name a variable.
//  - displayText / quotedForMessage, how messages quote what files and stores hand over: the
//    result never holds a control byte, is valid UTF-8, and stays short for long input.
//  - displayUri, how a store URI is shown: the same, and a password planted after "user:" never
//    shows, whatever text surrounds it (a host, a path, a query, more '@' and ':', nothing).
#include "displaytext.h"
#include "displayuri.h"
#include "fuzzcheck.h"
#include "hivedialect.h"
#include "hiveql.h"
#include "utf8.h"

#include <string>

using namespace syncscope;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);

    const std::string statement = "SELECT " + hiveStringLiteral(bytes) + " AS v";
    const std::string seen = hs2peer::substituteHiveVariables(statement, {{"x", "X"}});
    require(seen == statement, "HiveServer2 would substitute a variable inside the literal");
    const hs2peer::Translation t = hs2peer::translateHiveQl(seen);
    require(t.error.empty(), "the statement does not parse");
    require(t.params.size() == 1, "the value is not exactly one literal");
    require(t.params.front() == bytes, "the literal does not read back as the value");

    for (const std::string& shown : {displayText(bytes), quotedForMessage(bytes)}) {
        for (const char c : shown)
            require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
                    "a control byte reaches a message");
        require(checkUtf8(shown).status == Utf8Status::Ok, "a message is not UTF-8");
    }
    require(quotedForMessage(bytes).size() <= 4 * 64 + 40, "a quoted field is not cut short");

    // Letters only, so it can be no port; the bytes around it must not hold it themselves.
    const std::string secret = "PlantedSecret";
    const QString around = QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
    if (!around.contains(QString::fromStdString(secret))) {
        const QString planted = QString::fromStdString(secret);
        for (const QString& uri :
             {QStringLiteral("mysql://u:") + planted + QLatin1Char('@') + around,
              QStringLiteral("mysql://u:") + planted + QLatin1Char('/') + around,
              QStringLiteral("u:") + planted + QLatin1Char('@') + around, around}) {
            const std::string shown = displayUri(uri).toStdString();
            require(uri == around || shown.find(secret) == std::string::npos,
                    "a planted password shows");
            for (const char c : shown)
                require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
                        "a control byte reaches a shown URI");
            require(checkUtf8(shown).status == Utf8Status::Ok, "a shown URI is not UTF-8");
            require(shown.size() <= 512 + 40, "a shown URI is not cut short");
        }
    }
    return 0;
}
