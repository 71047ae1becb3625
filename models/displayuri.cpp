#include "displayuri.h"

#include "displaytext.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace syncscope {

namespace {

const QLatin1String kHidden("***");

// What a URI shows, and whether anything was taken out of it.
struct Shown {
    QString text;
    bool hid = false;
};

bool secretOption(QStringView key) {
    const QString name = QUrl::fromPercentEncoding(key.toUtf8()).toLower();
    static const char* const words[] = {"pass", "pwd", "secret", "token", "credential"};
    return std::any_of(std::begin(words), std::end(words),
                       [&](const char* w) { return name.contains(QLatin1String(w)); }) ||
           name == QLatin1String("authmechanismproperties");
}

// A query or fragment ("?a=1&password=x#…") with the values of secret options as ***.
void showOptions(QStringView options, Shown& s) {
    const auto separator = [](QChar c) {
        return c == QLatin1Char('&') || c == QLatin1Char(';') || c == QLatin1Char('?') ||
               c == QLatin1Char('#');
    };
    qsizetype start = 0;
    for (qsizetype i = 0; i <= options.size(); ++i) {
        if (i < options.size() && !separator(options[i]))
            continue;
        const QStringView item = options.mid(start, i - start);
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq >= 0 && secretOption(item.left(eq))) {
            s.text += item.left(eq + 1);
            s.text += kHidden;
            s.hid = true;
        } else {
            s.text += item;
        }
        if (i < options.size())
            s.text += options[i];
        start = i + 1;
    }
}

// A path as it is, then its query and fragment through showOptions.
void showPathAndOptions(QStringView rest, Shown& s) {
    qsizetype options = 0;
    while (options < rest.size() && rest[options] != QLatin1Char('?') &&
           rest[options] != QLatin1Char('#'))
        ++options;
    s.text += rest.left(options);
    showOptions(rest.mid(options), s);
}

bool allDigits(QStringView text) {
    return std::all_of(text.begin(), text.end(),
                       [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

// One host[:port] of an authority; a port that is not digits may be a password whose '@' and
// host are missing (user:pw) or encoded (user:pw%40host), so it goes.
void showHost(QStringView host, Shown& s) {
    qsizetype portAt = host.indexOf(QLatin1Char(':'));
    if (host.startsWith(QLatin1Char('['))) { // an IPv6 address: its colons are its own
        const qsizetype close = host.indexOf(QLatin1Char(']'));
        if (close < 0) {
            s.text += QLatin1Char('[') + kHidden;
            s.hid = true;
            return;
        }
        portAt = close + 1;
    }
    if (portAt < 0)
        portAt = host.size();
    const QStringView port = host.mid(portAt);
    if (port.isEmpty() || (port[0] == QLatin1Char(':') && allDigits(port.mid(1)))) {
        s.text += host;
        return;
    }
    s.text += host.left(portAt);
    s.text += QLatin1Char(':') + kHidden;
    s.hid = true;
}

// scheme:… without "//": what looks like a scheme may be a user name and the rest its
// password ("user:pw@host", "user:pw"), so only a path is shown as it is.
void showWithoutAuthority(QStringView rest, bool schemed, Shown& s) {
    if (const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
        at >= 0 && (schemed || rest.left(at).contains(QLatin1Char(':')))) {
        s.text += kHidden + QLatin1Char('@');
        s.hid = true;
        rest = rest.mid(at + 1);
    } else if (!rest.isEmpty() && !rest.startsWith(QLatin1Char('/')) &&
               (schemed || rest.contains(QLatin1Char(':')))) {
        if (!schemed)
            s.text += rest.left(rest.indexOf(QLatin1Char(':')) + 1);
        s.text += kHidden;
        s.hid = true;
        return;
    }
    showPathAndOptions(rest, s);
}

// What follows "scheme://": [user[:password]@]host[:port][,host…][/path][?query][#fragment].
void showWithAuthority(QStringView rest, Shown& s) {
    // The user information ends at the last '@' anywhere, not the authority's: a password
    // holding '/', '?' or '#' unencoded would otherwise spill into the path.
    if (const qsizetype at = rest.lastIndexOf(QLatin1Char('@')); at >= 0) {
        QStringView user = rest.left(at);
        // Its first ':', encoded or not (no server's user name holds one; a password does).
        static const QRegularExpression colon(QStringLiteral(":|%3[Aa]"));
        if (const qsizetype c = user.indexOf(colon); c >= 0) {
            user = user.left(c);
            s.hid = true;
        }
        if (!user.isEmpty() || !s.hid) {
            s.text += user;
            s.text += QLatin1Char('@');
        }
        rest = rest.mid(at + 1);
    }
    qsizetype hostsEnd = 0;
    while (hostsEnd < rest.size() && !QStringView(u"/?#").contains(rest[hostsEnd]))
        ++hostsEnd;
    const QStringView hosts = rest.left(hostsEnd);
    for (qsizetype start = 0; start <= hosts.size();) {
        qsizetype comma = hosts.indexOf(QLatin1Char(','), start);
        if (comma < 0)
            comma = hosts.size();
        showHost(hosts.mid(start, comma - start), s);
        if (comma < hosts.size())
            s.text += QLatin1Char(',');
        start = comma + 1;
    }
    showPathAndOptions(rest.mid(hostsEnd), s);
}

Shown show(const QString& uri) {
    Shown s;
    if (uri == QLatin1String("sqlite::memory:")) {
        s.text = uri;
        return s;
    }
    static const QRegularExpression scheme(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*:"));
    const QRegularExpressionMatch m = scheme.match(uri);
    const qsizetype schemeEnd = m.hasMatch() ? m.capturedLength() : 0;
    s.text = uri.left(schemeEnd);
    const QStringView rest = QStringView(uri).mid(schemeEnd);
    if (rest.startsWith(QLatin1String("//"))) {
        s.text += QLatin1String("//");
        showWithAuthority(rest.mid(2), s);
    } else {
        showWithoutAuthority(rest, schemeEnd > 0, s);
    }
    return s;
}

} // namespace

QString displayUri(const QString& uri) {
    return QString::fromStdString(displayText(show(uri).text.toStdString(), 512));
}

bool uriMayHoldPassword(const QString& uri) {
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid())
        return show(uri).hid;
    Shown options;
    showOptions(QLatin1Char('?') + url.query(QUrl::FullyEncoded) + QLatin1Char('#') +
                    url.fragment(QUrl::FullyEncoded),
                options);
    if (!url.password().isEmpty() || url.userName().contains(QLatin1Char(':')) || options.hid)
        return true;
    // A password holding '/', '?' or '#' ends the authority early, so Qt reads its '@' into the
    // path, the fragment or a query item of its own; an '@' in an option's value is an address.
    const auto bare = [](const QString& item) {
        return item.contains(QLatin1Char('@')) && !item.contains(QLatin1Char('='));
    };
    const QStringList items = url.query(QUrl::FullyEncoded).split(QLatin1Char('&'));
    const bool pathOfAServer = !url.host().isEmpty(); // not a file's (sqlite:///srv/x@y/db)
    return (pathOfAServer && url.path().contains(QLatin1Char('@'))) ||
           url.fragment().contains(QLatin1Char('@')) ||
           std::any_of(items.begin(), items.end(), bare);
}

} // namespace syncscope
