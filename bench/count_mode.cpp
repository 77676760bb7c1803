// `wisepay_bench --count <client>` (count_mode.h): the clicking thread
// pinned to the clients' CPU, the benchmark server started on the servers'
// CPU, one client made and warmed up, then the measured clicks.
#include "bench/count_mode.h"

#include <cstdio>
#include <memory>

#include "bench/cpu_pinning.h"
#include "bench/fixture.h"
#include "bench/measured_clicks.h"
#include "bench/plugin_client.h"

namespace wisepay::bench {

int run_count_mode(ClientKind kind, int warmup, int clicks) {
    const CpuPlan cpus = plan_cpus();
    pin_calling_thread(cpus.clients);
    Fixture fixture(cpus.servers);
    std::unique_ptr<Client> client;
    switch (kind) {
        case ClientKind::kPlugin: {
            auto plugin = std::make_unique<PluginClient>(
                plugin_config(fixture.target(), {fixture.file("count.db"), ""}),
                fixture.target().payer_email);
            plugin->enable_tenant("acme", fixture.target().api_key);
            client = std::move(plugin);
            break;
        }
        case ClientKind::kCurl:
            init_curl();
            client = make_curl_client(fixture.target());
            break;
        case ClientKind::kRaw:
            client = make_raw_client(fixture.target());
            break;
    }
    for (int i = 0; i < warmup; ++i)
        client->click();
    wisepay_bench_measured_clicks(client.get(), clicks);
    std::printf("%s: %d warm-up clicks, %d measured clicks\n", name_of(kind), warmup, clicks);
    return 0;
}

}  // namespace wisepay::bench
