// A plugin instance loaded through dlopen and wired to a fake Wise-Pay over
// TLS on loopback, with a merchant key saved and enabled and one payer known:
// where every invoice-click test starts.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "tests/integration/plugin_host.h"
#include "tests/support/fake_wisepay.h"
#include "tests/support/plugin_config.h"
#include "tests/support/temp_dir.h"

namespace wisepay::test {

inline const std::string kKey = "wp_live_INVOICEkeyBODY_4242";
inline const std::string kPayer = "pat@customer.example";

struct WiredPlugin {
    explicit WiredPlugin(FakeWisePay::Certificate certificate = FakeWisePay::Certificate::kValid,
                         int deadline_ms = 2500)
        : fake(certificate),
          plugin(host, plugin_config_json({dir.file("settings.db"), std::string(64, '3'),
                                           fake.base_url(), fake.ca_file()},
                                          ",\"deadline_ms\":" + std::to_string(deadline_ms))) {
        fake.add_merchant(kKey, "Acme Payments");
        fake.add_payer(kKey, kPayer);
        const CallResult saved =
            plugin.save("acme", "ann", 0, "{\"api_key\":\"" + kKey + "\",\"enabled\":true}");
        INFO(saved.describe());
        REQUIRE(saved.ok());
        // The save asked Wise-Pay about the new key; tests count what follows.
        fake.forget_requests();
    }

    // Nothing the plugin said to the host or the user holds the key.
    void check_no_key_leaked(const CallResult &r) const {
        CHECK(r.message.find("INVOICEkeyBODY") == std::string::npos);
        CHECK(host.all_logs().find("INVOICEkeyBODY") == std::string::npos);
    }

    FakeWisePay fake;
    TempDir dir;
    TestHost host;
    PluginInstance plugin;
};

}  // namespace wisepay::test
