// TestHost's callbacks and PluginInstance's calls. Every output is copied
// into a CallResult and freed at once with the plugin's own free function; a
// redirect is turned into a small JSON object, so tests read every answer
// the same way.
#include "tests/integration/plugin_host.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/integration/c_status.h"
#include "tests/support/plugin_config.h"
#include "tests/support/plugin_loader.h"

namespace wisepay::test {
namespace {

CallResult finish(wisepay_status status, wisepay_error *error, char *json) {
    CallResult result = take_error(status, error);
    if (json != nullptr) {
        result.json = json;
        plugin_api().free_string(json);
    }
    return result;
}

}  // namespace

const wisepay_plugin_api &plugin_api() {
    return *load_plugin(WISEPAY_PLUGIN_PATH).api;
}
wisepay_plugin_entry_fn plugin_entry() {
    return load_plugin(WISEPAY_PLUGIN_PATH).entry;
}

namespace {

// Static initialisation runs on the test's main thread.
const std::thread::id kTestThread = std::this_thread::get_id();
std::mutex failures_mutex;
std::vector<std::string> failures_on_other_threads;

}  // namespace

void check_contract(bool ok, const char *what) {
    if (std::this_thread::get_id() != kTestThread) {
        if (!ok) {
            std::lock_guard lock(failures_mutex);
            failures_on_other_threads.emplace_back(what);
        }
        return;
    }
    std::vector<std::string> earlier;
    {
        std::lock_guard lock(failures_mutex);
        earlier.swap(failures_on_other_threads);
    }
    for (const std::string &failure : earlier) {
        FAIL_CHECK("on a host thread: " << failure);
    }
    INFO(what);
    CHECK(ok);
}

CallResult take_error(wisepay_status status, wisepay_error *error) {
    CallResult result;
    result.status = status;
    if (error != nullptr) {
        check_contract(error->status == status, "the error object's status is the call's");
        result.code = error->code;
        result.message = error->message;
        result.correlation_id = error->correlation_id;
        for (std::size_t i = 0; i < error->field_error_count; ++i) {
            result.field_errors.emplace_back(error->field_errors[i].field,
                                             error->field_errors[i].message);
        }
        plugin_api().free_error(error);
    }
    return result;
}

TestHost::TestHost() {
    host_.struct_size = sizeof host_;
    host_.host_data = this;
    host_.log = &TestHost::on_log;
    host_.register_page = &TestHost::on_register;
}

void TestHost::on_log(void *host_data, wisepay_log_level level, const char *message) {
    auto *self = static_cast<TestHost *>(host_data);
    std::lock_guard lock(self->mutex_);
    ++self->log_count_;
    if (self->logs_.size() < self->max_logs_) {
        self->logs_.push_back(std::to_string(level) + " " + message);
    }
}

void TestHost::keep_logs(std::size_t max) {
    std::lock_guard lock(mutex_);
    max_logs_ = max;
}

std::size_t TestHost::log_count() const {
    std::lock_guard lock(mutex_);
    return log_count_;
}

void TestHost::store_master_key(const std::string &name, const std::string &bytes,
                                wisepay_status fail_with) {
    key_name_ = name;
    key_bytes_ = bytes;
    key_fail_with_ = fail_with;
    host_.get_master_key = &TestHost::on_get_master_key;
}

wisepay_status TestHost::on_get_master_key(void *host_data, const char *name,
                                           unsigned char *out_key, std::size_t capacity,
                                           std::size_t *out_len) {
    auto *self = static_cast<TestHost *>(host_data);
    ++self->key_requests_;
    if (self->key_fail_with_ != WISEPAY_OK)
        return self->key_fail_with_;
    if (self->key_name_ != name)
        return WISEPAY_E_INVALID_ARGUMENT;
    std::memcpy(out_key, self->key_bytes_.data(), std::min(capacity, self->key_bytes_.size()));
    *out_len = self->key_bytes_.size();
    return WISEPAY_OK;
}

wisepay_status TestHost::on_register(void *host_data, const wisepay_page *page) {
    auto *self = static_cast<TestHost *>(host_data);
    std::lock_guard lock(self->mutex_);
    if (self->refuse_with_ != WISEPAY_OK) {
        return wisepay_test_status_from_int(self->refuse_with_);
    }
    self->pages_.push_back(std::string(page->menu) + " > " + page->title + " (" + page->page_id +
                           ")\n" + std::string(page->schema_json, page->schema_json_len));
    return WISEPAY_OK;
}

std::vector<std::string> TestHost::log_lines() const {
    std::lock_guard lock(mutex_);
    return logs_;
}

std::string TestHost::all_logs() const {
    std::string all;
    for (const auto &line : log_lines())
        all += line + "\n";
    return all;
}

std::vector<std::string> TestHost::registered_pages() const {
    std::lock_guard lock(mutex_);
    return pages_;
}

std::string make_config(const std::string &database_path, const std::string &master_key_hex,
                        const std::string &base_url, const std::string &extra) {
    return plugin_config_json({database_path, master_key_hex, base_url, ""}, extra);
}

PluginInstance::PluginInstance(TestHost &host, const std::string &config) {
    wisepay_error *error = nullptr;
    const wisepay_status status =
        plugin_api().create(host.table(), config.data(), config.size(), &instance_, &error);
    CallResult result = take_error(status, error);
    INFO(result.describe());
    REQUIRE(status == WISEPAY_OK);
    REQUIRE(instance_ != nullptr);
}

PluginInstance::~PluginInstance() {
    plugin_api().destroy(instance_);
    check_contract(true, "the instance was destroyed");  // reports host threads' failures
}

CallResult PluginInstance::get_settings(const char *tenant) {
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().get_settings(instance_, tenant, &json, &error);
    return finish(status, error, json);
}

CallResult PluginInstance::save(const char *tenant, const char *actor,
                                std::int64_t expected_version, const std::string &settings_json) {
    wisepay_save_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant;
    request.actor = actor;
    request.expected_version = expected_version;
    request.settings_json = settings_json.data();
    request.settings_json_len = settings_json.size();
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().save_settings(instance_, &request, &json, &error);
    return finish(status, error, json);
}

CallResult PluginInstance::page_schema() {
    char *json = nullptr;
    size_t len = 0;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().get_page_schema(instance_, &json, &len, &error);
    CallResult result = finish(status, error, json);
    check_contract(result.json.size() == len, "the length given is the string's");
    return result;
}

CallResult PluginInstance::stats() {
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().get_stats(instance_, &json, &error);
    return finish(status, error, json);
}

CallResult PluginInstance::open_invoice(const char *tenant, const char *email,
                                        const char *invoice_id, const char *invoice_number,
                                        const char *return_url, std::uint32_t deadline_ms) {
    wisepay_invoice_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant;
    request.user_email = email;
    request.invoice_id = invoice_id;
    request.invoice_number = invoice_number;
    request.return_url = return_url;
    request.deadline_ms = deadline_ms;
    wisepay_redirect *redirect = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().open_invoice(instance_, &request, &redirect, &error);
    CallResult result = take_error(status, error);
    if (redirect != nullptr) {
        check_contract(status == WISEPAY_OK, "a redirect comes only with WISEPAY_OK");
        check_contract(redirect->struct_size == sizeof(wisepay_redirect),
                       "the redirect's struct_size is the header's");
        result.json = "{\"url\":\"" + std::string(redirect->url) +
                      "\",\"expires_at\":" + std::to_string(redirect->expires_at_unix) +
                      ",\"open_in_new_tab\":" + std::to_string(redirect->open_in_new_tab) +
                      ",\"correlation_id\":\"" + redirect->correlation_id + "\"}";
        plugin_api().free_redirect(redirect);
    } else {
        check_contract(status != WISEPAY_OK, "WISEPAY_OK comes with a redirect");
    }
    return result;
}

CallResult PluginInstance::test_connection(const char *tenant, const char *typed_key,
                                           std::uint32_t deadline_ms) {
    wisepay_test_request request{};
    request.struct_size = sizeof request;
    request.tenant_id = tenant;
    request.api_key = typed_key;
    request.api_key_len = typed_key ? std::strlen(typed_key) : 0;
    request.deadline_ms = deadline_ms;
    char *json = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status = plugin_api().test_connection(instance_, &request, &json, &error);
    return finish(status, error, json);
}

CallResult try_create(TestHost &host, const std::string &config) {
    wisepay_instance *instance = nullptr;
    wisepay_error *error = nullptr;
    const wisepay_status status =
        plugin_api().create(host.table(), config.data(), config.size(), &instance, &error);
    CallResult result = take_error(status, error);
    if (status == WISEPAY_OK) {
        CHECK(instance != nullptr);
        plugin_api().destroy(instance);
    } else {
        CHECK(instance == nullptr);
    }
    return result;
}

}  // namespace wisepay::test
