// A test-only plugin that wraps the real one and adds a field to the page
// document it registers, to show that hosts render the page from the schema:
// the example console must show the new field without any change of its own.
#include <dlfcn.h>

#include <boost/json.hpp>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "abi/wisepay_plugin.h"

namespace {

namespace json = boost::json;

const wisepay_plugin_api *real_api() {
    static const wisepay_plugin_api *api = [] {
        void *so = dlopen(WISEPAY_REAL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        void *symbol = so ? dlsym(so, WISEPAY_PLUGIN_ENTRY_SYMBOL) : nullptr;
        wisepay_plugin_entry_fn entry = nullptr;
        std::memcpy(&entry, &symbol, sizeof entry);
        return entry ? entry(WISEPAY_ABI_VERSION) : nullptr;
    }();
    return api;
}

std::string with_extra_field(const std::string &document) {
    json::object doc = json::parse(document).as_object();
    json::object &schema = doc["schema"].as_object();
    schema["properties"].as_object()["support_email"] =
        json::object{{"title", "Support email"}, {"type", "string"}};
    json::object &ui = doc["ui"].as_object();
    ui["order"].as_array().push_back("support_email");
    ui["fields"].as_object()["support_email"] = json::object{
        {"label", "Support email"}, {"widget", "text"}, {"help", "Shown to payers who need help."}};
    return json::serialize(doc);
}

// The host as the real plugin sees it: calls pass through to the real host.
struct HostShim {
    wisepay_host real;
    wisepay_host shim;
};
std::mutex shims_mutex;
std::map<wisepay_instance *, HostShim *> shims;

void shim_log(void *data, wisepay_log_level level, const char *message) {
    auto *s = static_cast<HostShim *>(data);
    if (s->real.log)
        s->real.log(s->real.host_data, level, message);
}

wisepay_status shim_register(void *data, const wisepay_page *page) {
    auto *s = static_cast<HostShim *>(data);
    if (!s->real.register_page)
        return WISEPAY_OK;
    const std::string doc = with_extra_field(std::string(page->schema_json, page->schema_json_len));
    wisepay_page changed = *page;
    changed.schema_json = doc.c_str();
    changed.schema_json_len = doc.size();
    return s->real.register_page(s->real.host_data, &changed);
}

wisepay_status create(const wisepay_host *host, const char *config, size_t len,
                      wisepay_instance **out, wisepay_error **err) {
    auto *s = new HostShim{*host, *host};
    s->shim.host_data = s;
    s->shim.log = shim_log;
    s->shim.register_page = shim_register;
    const wisepay_status status = real_api()->create(&s->shim, config, len, out, err);
    if (status != WISEPAY_OK) {
        delete s;
        return status;
    }
    std::lock_guard lock(shims_mutex);
    shims[*out] = s;
    return status;
}

void destroy(wisepay_instance *instance) {
    real_api()->destroy(instance);
    std::lock_guard lock(shims_mutex);
    delete shims[instance];
    shims.erase(instance);
}

wisepay_status get_page_schema(wisepay_instance *instance, char **out, size_t *len,
                               wisepay_error **err) {
    char *real = nullptr;
    const wisepay_status status = real_api()->get_page_schema(instance, &real, nullptr, err);
    if (status != WISEPAY_OK)
        return status;
    const std::string doc = with_extra_field(real);
    real_api()->free_string(real);
    // Handed out through the real plugin's allocator contract: malloc/free.
    *out = static_cast<char *>(std::malloc(doc.size() + 1));
    std::memcpy(*out, doc.c_str(), doc.size() + 1);
    if (len)
        *len = doc.size();
    return WISEPAY_OK;
}

}  // namespace

extern "C" WISEPAY_EXPORT const wisepay_plugin_api *wisepay_plugin_entry(uint32_t version) {
    static wisepay_plugin_api api = [] {
        wisepay_plugin_api copy = *real_api();
        copy.create = create;
        copy.destroy = destroy;
        copy.get_page_schema = get_page_schema;
        return copy;
    }();
    return version == WISEPAY_ABI_VERSION && real_api() ? &api : nullptr;
}
