// Each object the host receives is one calloc'd block: the struct, then any
// array it points to, then its strings, so one free() releases all of it. A
// redirect's URL is wiped before its block is freed.
#include "plugin/c_results.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "plugin/settings/health.h"
#include "plugin/util/hex.h"
#include "plugin/util/iso_time.h"

namespace wisepay {
namespace {

// Strings copied into one block after a fixed header.
class FlatBlock {
  public:
    explicit FlatBlock(std::size_t header_size) : size_(header_size) {}
    void reserve_string(std::string_view s) { size_ += s.size() + 1; }
    bool allocate() {
        block_ = static_cast<char *>(std::calloc(1, size_));
        return block_ != nullptr;
    }
    void start_strings(std::size_t offset) { cursor_ = block_ + offset; }
    // Copies `s` and its terminating NUL (the block starts zeroed).
    const char *put(std::string_view s) {
        char *out = cursor_;
        std::memcpy(out, s.data(), s.size());
        cursor_ += s.size() + 1;
        return out;
    }
    char *block() const { return block_; }

  private:
    std::size_t size_;
    char *block_ = nullptr;
    char *cursor_ = nullptr;
};

}  // namespace

char *copy_string(std::string_view text) {
    char *out = static_cast<char *>(std::malloc(text.size() + 1));
    if (out == nullptr) {
        throw std::bad_alloc();
    }
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = '\0';
    return out;
}

wisepay_error *make_error(const Error &e, const std::string &correlation_id) {
    const auto &fields = e.field_errors();
    const std::size_t fields_offset = sizeof(wisepay_error);
    const std::size_t strings_offset = fields_offset + fields.size() * sizeof(wisepay_field_error);
    FlatBlock flat(strings_offset);
    flat.reserve_string(e.code());
    flat.reserve_string(e.message());
    flat.reserve_string(correlation_id);
    flat.reserve_string(e.help_url());
    for (const auto &f : fields) {
        flat.reserve_string(f.field);
        flat.reserve_string(f.message);
    }
    if (!flat.allocate()) {
        return nullptr;
    }
    auto *error = reinterpret_cast<wisepay_error *>(flat.block());
    auto *field_errors = reinterpret_cast<wisepay_field_error *>(flat.block() + fields_offset);
    flat.start_strings(strings_offset);
    error->struct_size = sizeof(wisepay_error);
    error->status = e.status();
    error->code = flat.put(e.code());
    error->message = flat.put(e.message());
    error->correlation_id = flat.put(correlation_id);
    const char *help = flat.put(e.help_url());
    error->help_url = e.help_url().empty() ? nullptr : help;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        field_errors[i].field = flat.put(fields[i].field);
        field_errors[i].message = flat.put(fields[i].message);
    }
    error->field_error_count = fields.size();
    error->field_errors = fields.empty() ? nullptr : field_errors;
    return error;
}

wisepay_redirect *make_redirect(const SsoSession &session, const std::string &correlation_id) {
    FlatBlock flat(sizeof(wisepay_redirect));
    flat.reserve_string(session.redirect_url.view());
    flat.reserve_string(correlation_id);
    if (!flat.allocate()) {
        throw std::bad_alloc();
    }
    auto *redirect = reinterpret_cast<wisepay_redirect *>(flat.block());
    flat.start_strings(sizeof(wisepay_redirect));
    redirect->struct_size = sizeof(wisepay_redirect);
    redirect->url = flat.put(session.redirect_url.view());
    redirect->expires_at_unix = session.expires_at;
    redirect->open_in_new_tab = 1;
    redirect->correlation_id = flat.put(correlation_id);
    return redirect;
}

wisepay_settings_view *make_settings_view(const storage::SettingsRecord &record) {
    const HealthView health = health_of(record);
    FlatBlock flat(sizeof(wisepay_settings_view));
    flat.reserve_string(record.updated_by);
    flat.reserve_string(health.message);
    if (!flat.allocate())
        throw std::bad_alloc();
    auto *view = reinterpret_cast<wisepay_settings_view *>(flat.block());
    flat.start_strings(sizeof(wisepay_settings_view));
    view->struct_size = sizeof(wisepay_settings_view);
    view->version = record.version;
    view->enabled = record.enabled ? 1 : 0;
    view->api_key_set = record.api_key ? 1 : 0;
    if (record.api_key) {
        const std::string &last4 = record.api_key->last4;
        std::memcpy(view->api_key_last4, last4.data(),
                    std::min(last4.size(), sizeof view->api_key_last4 - 1));
    }
    view->updated_at_unix = unix_seconds(record.updated_at).value_or(0);
    view->updated_by = flat.put(record.updated_by);
    view->health = health.state;
    view->health_since_unix = health.since_unix;
    view->last_success_unix = health.last_success_unix;
    view->health_message = flat.put(health.message);
    view->link_available = link_available(record) ? 1 : 0;
    return view;
}

wisepay_audit_page *make_audit_page(const std::vector<AuditLine> &entries,
                                    std::int64_t next_before_id) {
    const std::size_t entries_offset = sizeof(wisepay_audit_page);
    const std::size_t strings_offset =
        entries_offset + entries.size() * sizeof(wisepay_audit_entry);
    FlatBlock flat(strings_offset);
    for (const AuditLine &entry : entries) {
        flat.reserve_string(entry.actor);
        flat.reserve_string(entry.summary);
        flat.reserve_string(entry.changes_json);
    }
    if (!flat.allocate())
        throw std::bad_alloc();
    auto *page = reinterpret_cast<wisepay_audit_page *>(flat.block());
    auto *out = reinterpret_cast<wisepay_audit_entry *>(flat.block() + entries_offset);
    flat.start_strings(strings_offset);
    page->struct_size = sizeof(wisepay_audit_page);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        out[i].id = entries[i].id;
        out[i].version = entries[i].version;
        out[i].actor = flat.put(entries[i].actor);
        out[i].at_unix = entries[i].at_unix;
        out[i].summary = flat.put(entries[i].summary);
        out[i].changes_json = flat.put(entries[i].changes_json);
    }
    page->count = entries.size();
    page->entries = entries.empty() ? nullptr : out;
    page->next_before_id = next_before_id;
    return page;
}

wisepay_copy_report *make_copy_report(std::uint64_t tenants, std::uint64_t audit_rows) {
    auto *report = static_cast<wisepay_copy_report *>(std::calloc(1, sizeof(wisepay_copy_report)));
    if (report == nullptr)
        throw std::bad_alloc();
    report->struct_size = sizeof(wisepay_copy_report);
    report->tenants = tenants;
    report->audit_rows = audit_rows;
    return report;
}

wisepay_reseal_report *make_reseal_report(const std::string &current_key_id, std::uint64_t resealed,
                                          const std::map<std::string, std::uint64_t> &remaining) {
    const std::size_t counts_offset = sizeof(wisepay_reseal_report);
    const std::size_t strings_offset = counts_offset + remaining.size() * sizeof(wisepay_key_count);
    FlatBlock flat(strings_offset);
    flat.reserve_string(current_key_id);
    for (const auto &[key_id, count] : remaining)
        flat.reserve_string(key_id);
    if (!flat.allocate())
        throw std::bad_alloc();
    auto *report = reinterpret_cast<wisepay_reseal_report *>(flat.block());
    auto *counts = reinterpret_cast<wisepay_key_count *>(flat.block() + counts_offset);
    flat.start_strings(strings_offset);
    report->struct_size = sizeof(wisepay_reseal_report);
    report->current_key_id = flat.put(current_key_id);
    report->resealed = resealed;
    std::size_t i = 0;
    for (const auto &[key_id, count] : remaining) {
        counts[i].key_id = flat.put(key_id);
        counts[i].count = count;
        report->remaining += count;
        ++i;
    }
    report->remaining_by_key_count = remaining.size();
    report->remaining_by_key = remaining.empty() ? nullptr : counts;
    return report;
}

void free_redirect(wisepay_redirect *redirect) {
    if (redirect != nullptr && redirect->url != nullptr) {
        OPENSSL_cleanse(const_cast<char *>(redirect->url), std::strlen(redirect->url));
    }
    std::free(redirect);
}

std::string new_correlation_id() {
    return random_hex(8).value_or("unavailable");
}

}  // namespace wisepay
