// The cold paths, each sample timed on its own (wall time and the clicking
// thread's CPU time), the clients in an order shuffled per sample:
//   - a cold start: a new client (plugin create(), a new libcurl easy
//     handle, a new OpenSSL context) and its first click, which opens a new
//     connection with a full TLS handshake;
//   - a reconnect: a long-lived client whose kept connection the server has
//     just closed, as a server dropping idle connections closes it; the
//     click notices, opens a new connection and resumes its TLS session.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "bench/clients.h"
#include "bench/samples.h"
#include "bench/server_process.h"

namespace wisepay::bench {

struct ColdFigures {
    Samples wall_us;         // the whole sample
    Samples cpu_us;          // CPU time of the whole sample
    Samples first_click_us;  // cold starts: the first click alone (wall)
};

using ColdStart = std::function<std::unique_ptr<Client>()>;

// Destroying each new client is not timed.
std::vector<ColdFigures> run_cold_starts(const std::vector<ColdStart> &starts, int samples,
                                         unsigned seed);

// Before each click the server closes every idle connection.
std::vector<ColdFigures> run_reconnects(const std::vector<Client *> &clients, int samples,
                                        ServerProcess &server, unsigned seed);

}  // namespace wisepay::bench
