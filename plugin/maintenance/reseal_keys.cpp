// One pass over every tenant's row: a key under an older master key is
// opened, sealed under the current one and written with replace_sealed_key,
// which skips a row changed since the pass read it. The rows are read again
// at the end to count what is left under each old key.
#include "plugin/maintenance/reseal_keys.h"

#include <boost/json.hpp>
#include <set>

#include "plugin/util/error.h"

namespace wisepay {
namespace {

Deadline after(std::chrono::milliseconds budget) {
    return std::chrono::steady_clock::now() + budget;
}

std::map<std::string, std::uint64_t> not_under(const std::vector<storage::SettingsRecord> &rows,
                                               const std::string &current) {
    std::map<std::string, std::uint64_t> counts;
    for (const storage::SettingsRecord &row : rows) {
        if (row.api_key && row.api_key->key_id != current)
            ++counts[row.api_key->key_id];
    }
    return counts;
}

}  // namespace

std::uint64_t ResealReport::remaining() const {
    std::uint64_t total = 0;
    for (const auto &[key_id, count] : remaining_by_key)
        total += count;
    return total;
}

ResealReport reseal_keys(storage::SettingsStore &store, const KeyRing &keys,
                         const std::string &actor, std::uint32_t max_tenants,
                         std::chrono::milliseconds budget, const Logger &log) {
    ResealReport report;
    report.current_key_id = keys.current().id();
    std::set<std::string> unopenable;  // key ids the ring lacks
    try {
        for (const storage::SettingsRecord &row : store.all_settings(after(budget))) {
            if (!row.api_key || row.api_key->key_id == report.current_key_id)
                continue;
            if (max_tenants != 0 && report.resealed == max_tenants)
                break;
            if (keys.find(row.api_key->key_id) == nullptr) {
                unopenable.insert(row.api_key->key_id);
                continue;  // the others can still move
            }
            const SecretBytes key =
                open_sealed(keys, row.tenant_id, row.api_key->blob, row.api_key->key_id);
            Sealed sealed = seal(keys, row.tenant_id, key.view());
            const std::string changes = boost::json::serialize(boost::json::object{
                {"api_key", "re-sealed"}, {"from", row.api_key->key_id}, {"to", sealed.key_id}});
            const bool moved = store.replace_sealed_key(
                row.tenant_id, row.version, row.api_key->key_id,
                storage::SealedKey{std::move(sealed.blob), sealed.key_id, row.api_key->last4},
                actor, changes, after(budget));
            if (moved) {
                ++report.resealed;
                log.info("API key of tenant '" + row.tenant_id + "' re-sealed under master key " +
                         report.current_key_id + " by '" + actor + "'");
            }
        }
        report.remaining_by_key =
            not_under(store.all_settings(after(budget)), report.current_key_id);
        if (!unopenable.empty()) {
            std::string ids;
            for (const std::string &id : unopenable)
                ids += (ids.empty() ? "" : ", ") + id;
            throw Error(WISEPAY_E_CRYPTO, "master_key_missing",
                        std::to_string(report.resealed) +
                            " tenants were re-sealed, but some keys are sealed under master key " +
                            ids +
                            ", which this plugin's master keys do not include. Add that key to "
                            "\"master_keys\" and run the re-seal again.");
        }
    } catch (const storage::StorageError &e) {
        log.error(std::string("re-sealing API keys: ") + e.what());
        throw Error(WISEPAY_E_STORAGE, "storage_failure",
                    "Re-sealing stopped after " + std::to_string(report.resealed) +
                        " tenants: the settings database could not be read or written. Run it "
                        "again once the database is back.");
    }
    return report;
}

}  // namespace wisepay
