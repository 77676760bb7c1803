// Each status's stable name (get_stats counts outcomes under it) and the
// ready-made errors declared in error.h.
#include "plugin/util/error.h"

namespace wisepay {

Error Error::validation(std::vector<FieldError> fields) {
    Error error(
        WISEPAY_E_VALIDATION, "validation_failed",
        fields.size() == 1 ? "Check the highlighted field." : "Check the highlighted fields.");
    error.field_errors_ = std::move(fields);
    return error;
}

const char *status_name(wisepay_status status) noexcept {
    switch (status) {
        case WISEPAY_OK:
            return "ok";
        case WISEPAY_E_INVALID_ARGUMENT:
            return "invalid_argument";
        case WISEPAY_E_VALIDATION:
            return "validation_failed";
        case WISEPAY_E_CONFLICT:
            return "conflict";
        case WISEPAY_E_CONFIG:
            return "invalid_config";
        case WISEPAY_E_STORAGE:
            return "storage_failure";
        case WISEPAY_E_CRYPTO:
            return "crypto_failure";
        case WISEPAY_E_NOT_IMPLEMENTED:
            return "not_implemented";
        case WISEPAY_E_DISABLED:
            return "integration_disabled";
        case WISEPAY_E_NO_API_KEY:
            return "no_api_key";
        case WISEPAY_E_PAYER_NOT_FOUND:
            return "payer_not_found";
        case WISEPAY_E_KEY_REJECTED:
            return "api_key_rejected";
        case WISEPAY_E_UPSTREAM_DISABLED:
            return "wisepay_integration_disabled";
        case WISEPAY_E_UNAVAILABLE:
            return "wisepay_unavailable";
        case WISEPAY_E_UPSTREAM_INVALID:
            return "wisepay_invalid_answer";
        case WISEPAY_E_OUT_OF_MEMORY:
            return "out_of_memory";
        case WISEPAY_E_INTERNAL:
            return "internal_error";
    }
    return "unknown_status";
}

Error invalid_argument(std::string code, std::string message) {
    return Error(WISEPAY_E_INVALID_ARGUMENT, std::move(code), std::move(message));
}

Error internal_error() {
    return Error(WISEPAY_E_INTERNAL, "internal_error",
                 "The Wise-Pay plugin hit an unexpected problem.");
}

}  // namespace wisepay
