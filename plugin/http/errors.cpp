// The HTTP client's failures (errors.h) as short words ("connect",
// "timeout", ...), for a message or log line that names one.
#include "plugin/http/errors.h"

namespace wisepay::http {

const char *to_string(Failure failure) {
    switch (failure) {
        case Failure::kConnect:
            return "connect";
        case Failure::kTls:
            return "tls";
        case Failure::kTimeout:
            return "timeout";
        case Failure::kConnectionLost:
            return "connection_lost";
        case Failure::kProtocol:
            return "protocol";
        case Failure::kBodyTooLarge:
            return "body_too_large";
        case Failure::kRefused:
            return "refused";
    }
    return "unknown";
}

}  // namespace wisepay::http
