// The error a call reports to the host: a status, a stable code, a message
// for the admin or end user who reads it (never a secret), and per-field
// errors for the settings form. Thrown inside the plugin, turned into a
// wisepay_error at the C boundary. Lower layers have failures of their own
// (storage::StorageError, http::TransportError) that the layer using them
// turns into one of these.
#pragma once

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "abi/wisepay_plugin.h"

namespace wisepay {

struct FieldError {
    std::string field;
    std::string message;
};

class Error : public std::exception {
  public:
    Error(wisepay_status status, std::string code, std::string message)
        : status_(status), code_(std::move(code)), message_(std::move(message)) {}

    // A save or request that fails validation, one entry per offending field.
    static Error validation(std::vector<FieldError> fields);

    Error &with_help_url(std::string url) {
        help_url_ = std::move(url);
        return *this;
    }
    // What the log says beside the correlation id, when it is more than the
    // message: the admin's instructions behind a message for a portal user,
    // say. Never a secret either.
    Error &with_detail(std::string detail) {
        detail_ = std::move(detail);
        return *this;
    }

    wisepay_status status() const { return status_; }
    const std::string &code() const { return code_; }
    const std::string &message() const { return message_; }
    const std::vector<FieldError> &field_errors() const { return field_errors_; }
    const std::string &help_url() const { return help_url_; }
    const std::string &detail() const { return detail_.empty() ? message_ : detail_; }
    const char *what() const noexcept override { return message_.c_str(); }

  private:
    wisepay_status status_;
    std::string code_;
    std::string message_;
    std::vector<FieldError> field_errors_;
    std::string help_url_;
    std::string detail_;
};

// Stable snake_case name of a status, e.g. "payer_not_found".
const char *status_name(wisepay_status status) noexcept;

// Shorthand for the most common failure: a host passed something unusable.
Error invalid_argument(std::string code, std::string message);

// A failure that is a bug in the plugin; the boundary adds a correlation id.
Error internal_error();

}  // namespace wisepay
