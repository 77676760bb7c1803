// One plugin instance, composed: the host's config, the master key, the
// settings store and the services built on them. The C boundary
// (c_boundary.h) owns one of these per wisepay_instance.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "plugin/config.h"
#include "plugin/crypto/key_ring.h"
#include "plugin/crypto/master_key.h"
#include "plugin/invoice/invoice_links.h"
#include "plugin/settings/settings_service.h"
#include "plugin/stats.h"
#include "plugin/util/logger.h"
#include "plugin/wisepay/wisepay_api.h"
#include "storage/settings_store.h"

namespace wisepay {

class Plugin {
  public:
    // Parses the config, loads the master key, opens the database and sets
    // up (but does not open) the connection to Wise-Pay. Throws Error.
    Plugin(const Logger &log, const HostKeys &host_keys, std::string_view config_json);

    const Logger &log() const { return log_; }
    const Config &config() const { return config_; }
    const KeyRing &keys() const { return keys_; }
    storage::SettingsStore &store() { return *store_; }
    SettingsService &settings() { return settings_; }
    InvoiceLinks &invoice_links() { return invoice_links_; }
    WisePayApi &wisepay() { return wisepay_; }
    Stats &stats() { return stats_; }

  private:
    Logger log_;
    Config config_;
    KeyRing keys_;
    std::unique_ptr<storage::SettingsStore> store_;
    WisePayApi wisepay_;
    SettingsService settings_;
    InvoiceLinks invoice_links_;
    Stats stats_;
};

}  // namespace wisepay
