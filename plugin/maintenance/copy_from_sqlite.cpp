// The source file is read through an ordinary SQLite store, so an older
// schema is migrated (and a file others could read made owner-only) before
// anything is copied. Every sealed key must open; then all rows go to the
// target's import(), which writes them in one transaction.
#include "plugin/maintenance/copy_from_sqlite.h"

#include <sys/stat.h>

#include "plugin/util/error.h"

namespace wisepay {
namespace {

Error storage_error(const std::string &doing, const storage::StorageError &e) {
    return Error(WISEPAY_E_STORAGE, "storage_failure", doing + ": " + e.what());
}

}  // namespace

CopyReport copy_from_sqlite(storage::SettingsStore &target, const KeyRing &keys,
                            const std::string &sqlite_path, Deadline deadline) {
    // Opening a path that is not there would create an empty database.
    struct stat info {};
    if (sqlite_path.empty() || ::stat(sqlite_path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
        throw invalid_argument("invalid_sqlite_path",
                               "There is no SQLite settings database at '" + sqlite_path + "'.");
    }
    std::vector<storage::SettingsRecord> settings;
    std::vector<storage::AuditRecord> audit;
    try {
        storage::StoreLocation location;
        location.sqlite_path = sqlite_path;
        const auto source = storage::open_store(location, deadline);
        settings = source->all_settings(deadline);
        audit = source->all_audit(deadline);
    } catch (const storage::StorageError &e) {
        throw storage_error("Cannot read the SQLite settings database '" + sqlite_path + "'", e);
    }
    // Keys travel sealed; each must open here, or the copy would carry keys
    // no instance on the target can use.
    for (const storage::SettingsRecord &row : settings) {
        if (!row.api_key)
            continue;
        try {
            open_sealed(keys, row.tenant_id, row.api_key->blob, row.api_key->key_id);
        } catch (const Error &e) {
            throw Error(WISEPAY_E_CRYPTO, e.code(),
                        "Nothing was copied: the API key of tenant '" + row.tenant_id +
                            "' does not open with this instance's master keys. " + e.message());
        }
    }
    try {
        target.import(settings, audit, deadline);
    } catch (const storage::TenantExistsError &e) {
        throw Error(WISEPAY_E_CONFLICT, "tenant_exists",
                    "Nothing was copied: tenant '" + e.tenant_id() +
                        "' already has settings in the target database.");
    } catch (const storage::StorageError &e) {
        throw storage_error("Nothing was copied", e);
    }
    return CopyReport{settings.size(), audit.size()};
}

}  // namespace wisepay
