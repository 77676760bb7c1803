// A test host: loads the plugin with dlopen like a real host, captures its
// log lines and registered pages, and wraps calls so tests read naturally.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "abi/wisepay_plugin.h"

namespace wisepay::test {

// The plugin's function table, loaded once per test process.
const wisepay_plugin_api &plugin_api();
// The raw entry function, for tests of version negotiation.
wisepay_plugin_entry_fn plugin_entry();

// What one call returned, with the error object copied out (and freed).
struct CallResult {
    wisepay_status status = WISEPAY_OK;
    std::string json;  // the JSON answer on success
    std::string code;
    std::string message;
    std::string correlation_id;
    std::vector<std::pair<std::string, std::string>> field_errors;

    bool ok() const { return status == WISEPAY_OK; }
    // "code: message", for failure messages in tests.
    std::string describe() const { return code + ": " + message; }
};

// Copies an error object out and frees it.
CallResult take_error(wisepay_status status, wisepay_error *error);

// A check of the ABI's contract made inside the helpers below, which host
// threads call. Catch2's assertions may be made from the test's own thread
// only: there it is a CHECK; on another thread a failure is kept, and the
// next check on the test's thread (at the latest when a PluginInstance is
// destroyed) reports it.
void check_contract(bool ok, const char *what);

class TestHost {
  public:
    TestHost();
    const wisepay_host *table() const { return &host_; }

    std::vector<std::string> log_lines() const;
    std::string all_logs() const;
    // Keeps only the first `max` lines from now on (a long run logs more
    // than a test should hold); log_count() still counts every line.
    void keep_logs(std::size_t max);
    std::size_t log_count() const;
    std::vector<std::string> registered_pages() const;
    // Makes register_page answer with `status` from now on: any int, as a C
    // host may return one that no wisepay_status names.
    void refuse_registration(int status) { refuse_with_ = status; }

    // The host's secret store for get_master_key: `name` holds `bytes` (any
    // length, to test wrong ones); `fail_with` other than WISEPAY_OK makes
    // every call fail with it. Without a store, get_master_key is NULL.
    void store_master_key(const std::string &name, const std::string &bytes,
                          wisepay_status fail_with = WISEPAY_OK);
    int master_key_requests() const { return key_requests_; }

  private:
    static void on_log(void *host_data, wisepay_log_level level, const char *message);
    static wisepay_status on_register(void *host_data, const wisepay_page *page);
    static wisepay_status on_get_master_key(void *host_data, const char *name,
                                            unsigned char *out_key, std::size_t capacity,
                                            std::size_t *out_len);

    wisepay_host host_{};
    mutable std::mutex mutex_;
    std::vector<std::string> logs_;
    std::size_t max_logs_ = SIZE_MAX;
    std::size_t log_count_ = 0;
    std::vector<std::string> pages_;
    int refuse_with_ = WISEPAY_OK;
    std::string key_name_, key_bytes_;
    wisepay_status key_fail_with_ = WISEPAY_OK;
    int key_requests_ = 0;
};

// The config JSON for a plugin instance on `database_path`; `extra` is
// appended inside the object (e.g. ",\"deadline_ms\":500"). A config with a
// CA file: plugin_config_json (tests/support/plugin_config.h).
std::string make_config(const std::string &database_path,
                        const std::string &master_key_hex = std::string(64, '7'),
                        const std::string &base_url = "https://127.0.0.1:9",
                        const std::string &extra = "");

class PluginInstance {
  public:
    // Creates an instance; REQUIREs success.
    PluginInstance(TestHost &host, const std::string &config);
    ~PluginInstance();
    PluginInstance(const PluginInstance &) = delete;
    PluginInstance &operator=(const PluginInstance &) = delete;

    wisepay_instance *raw() const { return instance_; }

    CallResult get_settings(const char *tenant);
    CallResult save(const char *tenant, const char *actor, std::int64_t expected_version,
                    const std::string &settings_json);
    CallResult page_schema();
    CallResult stats();

    // What open_invoice answered: on success the redirect is copied into
    // `json` as {"url", "expires_at", "open_in_new_tab", "correlation_id"}.
    CallResult open_invoice(const char *tenant, const char *email, const char *invoice_id = "inv_1",
                            const char *invoice_number = "INV-1", const char *return_url = nullptr,
                            std::uint32_t deadline_ms = 0);
    // test_connection with a typed key (or NULL for the saved one).
    CallResult test_connection(const char *tenant, const char *typed_key = nullptr,
                               std::uint32_t deadline_ms = 0);

  private:
    wisepay_instance *instance_ = nullptr;
};

// Tries to create an instance and reports how it went (destroying it on success).
CallResult try_create(TestHost &host, const std::string &config);

}  // namespace wisepay::test
