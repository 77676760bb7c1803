// How a failure reaches the host: statuses a user cannot resolve alone get a
// correlation id, logged as a warning beside the error's detail.
#include "plugin/c_boundary.h"

#include "plugin/c_results.h"
#include "plugin/util/hex.h"

namespace wisepay {
namespace {

// Errors the user can fix themselves need no correlation id; the rest get
// one, logged beside the detail, so that whoever the user asks for help can
// find out what happened.
bool needs_correlation_id(wisepay_status status) {
    return status == WISEPAY_E_STORAGE || status == WISEPAY_E_CRYPTO ||
           status == WISEPAY_E_UNAVAILABLE || status == WISEPAY_E_UPSTREAM_INVALID ||
           status == WISEPAY_E_INTERNAL || status == WISEPAY_E_OUT_OF_MEMORY ||
           status == WISEPAY_E_KEY_REJECTED || status == WISEPAY_E_UPSTREAM_DISABLED ||
           status == WISEPAY_E_DISABLED || status == WISEPAY_E_NO_API_KEY;
}

}  // namespace

void require(bool condition, const char *code, const char *message) {
    if (!condition) {
        throw invalid_argument(code, message);
    }
}

wisepay_status report(const Logger *log, const Error &error, wisepay_error **out_error) {
    const std::string correlation_id =
        needs_correlation_id(error.status()) ? new_correlation_id() : "";
    if (log != nullptr && !correlation_id.empty()) {
        log->warning("correlation id " + correlation_id + ": " + error.code() + ": " +
                     error.detail());
    }
    if (out_error != nullptr) {
        *out_error = make_error(error, correlation_id);
    }
    return error.status();
}

}  // namespace wisepay
