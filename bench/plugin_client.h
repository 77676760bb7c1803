// The plugin as a host uses it: loaded once with dlopen, reached through the
// entry symbol and the C ABI, one instance per PluginClient. Clicks are made
// for tenant "acme", which enable_tenant() sets up (API key saved, Wise-Pay
// enabled) once per database.
#pragma once

#include <cstdint>
#include <string>

#include "abi/wisepay_plugin.h"
#include "bench/clients.h"

namespace wisepay::bench {

const wisepay_plugin_api &plugin_api();

// Where an instance keeps its settings: an SQLite file, or (when
// `postgres_url` is set) a PostgreSQL database.
struct PluginDatabase {
    std::string sqlite_path;
    std::string postgres_url;
};

// The host config an instance of the benchmark is created with.
std::string plugin_config(const Target &target, const PluginDatabase &database);

class PluginClient final : public Client {
  public:
    // create() and nothing else, so that a cold start times only what a
    // host's first click pays for.
    PluginClient(const std::string &config_json, std::string payer_email);
    ~PluginClient() override;
    PluginClient(const PluginClient &) = delete;
    PluginClient &operator=(const PluginClient &) = delete;

    // Saves `api_key` for `tenant` and enables Wise-Pay, unless a save did so
    // already; returns the tenant's settings version afterwards.
    std::int64_t enable_tenant(const std::string &tenant, const std::string &api_key);
    // The tenant's settings version (0 when it never saved).
    std::int64_t settings_version(const std::string &tenant);
    // One "Save Settings" of `settings_json` for `tenant` from
    // `expected_version`; returns the new version.
    std::int64_t save(const std::string &tenant, const std::string &settings_json,
                      std::int64_t expected_version);
    // One get_settings call for tenant "acme", its JSON released at once.
    void read_settings();

    // One click of tenant "acme". Thread-safe, as the instance is.
    void click() override;

  private:
    struct TenantState {
        std::int64_t version = 0;
        bool enabled = false;
    };
    TenantState state_of(const std::string &tenant);

    wisepay_instance *instance_ = nullptr;
    std::string payer_email_;
};

// A thread's view of one PluginClient that many threads share, as a host's
// request threads share its one instance.
class SharedPluginClient final : public Client {
  public:
    explicit SharedPluginClient(PluginClient &plugin) : plugin_(plugin) {}
    void click() override { plugin_.click(); }

  private:
    PluginClient &plugin_;
};

}  // namespace wisepay::bench
