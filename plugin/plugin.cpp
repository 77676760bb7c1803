// Building an instance in member order: config, master keys, database,
// Wise-Pay client, services. Once the ring holds the keys the config's hex
// copies are wiped, and what opening the database changed is logged as
// warnings.
#include "plugin/plugin.h"

#include "plugin/crypto/master_key.h"
#include "plugin/util/error.h"
#include "plugin/version.h"

namespace wisepay {
namespace {

std::unique_ptr<storage::SettingsStore> open_store(const Logger &log, const Config &config) {
    try {
        storage::StoreLocation location;
        location.sqlite_path = config.database_path;
        location.postgres_url = config.database_url;
        location.pool_size = config.pool_size;
        location.statement_timeout = config.deadline;
        return storage::open_store(location, std::chrono::steady_clock::now() + config.deadline);
    } catch (const storage::StorageError &e) {
        log.error(e.what());
        throw Error(WISEPAY_E_STORAGE, "storage_failure",
                    std::string("The Wise-Pay settings database could not be opened: ") + e.what());
    }
}

}  // namespace

Plugin::Plugin(const Logger &log, const HostKeys &host_keys, std::string_view config_json)
    : log_(log),
      config_(parse_config(config_json)),
      keys_(load_key_ring(config_.master_keys, host_keys, log_)),
      store_(open_store(log_, config_)),
      wisepay_(WisePayOptions{config_.wisepay_base, config_.wisepay_portal, config_.ca_file,
                              config_.allow_insecure_http,
                              std::string("wisepay-deskdirector-plugin/") + kPluginVersion},
               log_),
      settings_(*store_, keys_, wisepay_, log_, config_.deadline),
      invoice_links_(settings_, wisepay_, config_.deadline) {
    for (const std::string &note : store_->opening_notes())
        log_.warning(note);
    // The keys now live only in the ring; the config's copies go.
    for (MasterKeySource &source : config_.master_keys) {
        OPENSSL_cleanse(source.hex_value.data(), source.hex_value.size());
        source.hex_value.clear();
    }
    log_.info("ready: settings in " + store_->describe() + ", Wise-Pay at " +
              config_.wisepay_base.scheme + "://" + config_.wisepay_base.authority());
}

}  // namespace wisepay
