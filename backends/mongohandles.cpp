#include "mongohandles.h"

#include <QByteArray>
#include <QtGlobal>

#include <map>
#include <mutex>

namespace syncscope::mongo {

class Pool {
public:
    Pool(Uri uri, mongoc_client_pool_t* pool)
        : uri_(std::move(uri))
        , pool_(pool) {}
    ~Pool() { mongoc_client_pool_destroy(pool_); }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    mongoc_client_pool_t* get() const { return pool_; }

private:
    Uri uri_;
    mongoc_client_pool_t* pool_;
};

void Client::reset() {
    if (client_)
        mongoc_client_pool_push(pool_->get(), client_);
    client_ = nullptr;
    pool_.reset();
}

namespace {
// Defaults a desktop program wants (the driver's own wait 30 s for a server before failing); a
// URI that names its own keeps them.
void setDefault(mongoc_uri_t* uri, const char* option, int32_t value) {
    if (!mongoc_uri_has_option(uri, option))
        mongoc_uri_set_option_as_int32(uri, option, value);
}
} // namespace

void initializeDriver() {
    static std::once_flag initialized;
    std::call_once(initialized, [] {
        // The driver's own log would print to the terminal (a timeout is also a WARNING);
        // every failure reaches the store as an error it words for the user instead.
        mongoc_log_set_handler(nullptr, nullptr);
        // Debian's libmongoc has already initialized itself when it was loaded, before main():
        // its diagnostic counters then took a shared-memory file per process, which a killed
        // process leaves in /dev/shm, and a later process given the same pid warns on stderr
        // that the name is taken. Only MONGOC_DISABLE_SHM in the environment the process
        // starts with avoids that (the tests set it; README says so).
        mongoc_init();
    });
}

Client borrowClient(const std::string& uriText, const std::string& password, std::string& why) {
    initializeDriver();
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<Pool>> pools;

    const std::string key = uriText + '\0' + password;
    std::shared_ptr<Pool> pool;
    {
        std::lock_guard<std::mutex> lock(mutex);
        pool = pools[key].lock();
        if (!pool) {
            std::erase_if(pools, [](const auto& entry) { return entry.second.expired(); });
            bson_error_t error;
            Uri uri(mongoc_uri_new_with_error(uriText.c_str(), &error));
            if (!uri) {
                why = error.message;
                return {};
            }
            if (!password.empty())
                mongoc_uri_set_password(uri.get(), password.c_str());
            setDefault(uri.get(), MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
            setDefault(uri.get(), MONGOC_URI_CONNECTTIMEOUTMS, 5000);
            setDefault(uri.get(), MONGOC_URI_SOCKETTIMEOUTMS, 60000);
            mongoc_client_pool_t* made = mongoc_client_pool_new_with_error(uri.get(), &error);
            if (!made) {
                why = error.message;
                return {};
            }
            // Error API 2: a server's error comes with the server's code, in its own domain.
            mongoc_client_pool_set_error_api(made, MONGOC_ERROR_API_VERSION_2);
            mongoc_client_pool_set_appname(made, "Syncscope");
            pool = std::make_shared<Pool>(std::move(uri), made);
            pools[key] = pool;
        }
    }
    mongoc_client_t* client = mongoc_client_pool_pop(pool->get());
    return Client(std::move(pool), client);
}

} // namespace syncscope::mongo
