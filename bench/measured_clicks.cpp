// The measured clicks, alone in this translation unit and never inlined, so
// that callgrind's --toggle-collect finds a symbol that holds exactly them
// (measured_clicks.h).
#include "bench/measured_clicks.h"

extern "C" __attribute__((noinline)) void wisepay_bench_measured_clicks(
    wisepay::bench::Client *client, int clicks) {
    for (int i = 0; i < clicks; ++i)
        client->click();
}
