// The names of the benchmark's clients: as the report prints them, as the
// command line spells them, and the User-Agent prefix the server counts
// each one under.
#include "bench/clients.h"

namespace wisepay::bench {

const char *name_of(ClientKind kind) {
    switch (kind) {
        case ClientKind::kPlugin:
            return "plugin";
        case ClientKind::kCurl:
            return "libcurl";
        case ClientKind::kRaw:
            return "raw OpenSSL";
    }
    return "?";
}

const char *cli_name_of(ClientKind kind) {
    return kind == ClientKind::kRaw ? "raw" : name_of(kind);
}

bool parse_client_kind(const std::string &name, ClientKind &out) {
    for (const ClientKind kind : {ClientKind::kPlugin, ClientKind::kCurl, ClientKind::kRaw}) {
        if (name == cli_name_of(kind)) {
            out = kind;
            return true;
        }
    }
    return false;
}

const char *user_agent_prefix_of(ClientKind kind) {
    switch (kind) {
        case ClientKind::kPlugin:
            return "wisepay-deskdirector-plugin/";
        case ClientKind::kCurl:
            return "wisepay-bench-libcurl";
        case ClientKind::kRaw:
            return "wisepay-bench-raw-openssl";
    }
    return "?";
}

}  // namespace wisepay::bench
