// Fuzzes the host config JSON passed to create().
#include <cstdint>
#include <string_view>

#include "plugin/config.h"
#include "plugin/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    try {
        const wisepay::Config config =
            wisepay::parse_config(std::string_view(reinterpret_cast<const char *>(data), size));
        if (!config.wisepay_base.is_https() && !config.allow_insecure_http) {
            __builtin_trap();  // plain http accepted without the explicit opt-in
        }
        if (config.database_path.empty() == config.database_url.empty()) {
            __builtin_trap();  // not exactly one database
        }
    } catch (const wisepay::Error &) {
    }
    return 0;
}
