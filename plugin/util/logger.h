// Log lines to the host's callback. Callers pass finished sentences that hold
// no secret: nothing here inspects or rewrites the text.
#pragma once

#include <string>

#include "abi/wisepay_plugin.h"

namespace wisepay {

class Logger {
  public:
    Logger() = default;
    Logger(void *host_data, void (*sink)(void *, wisepay_log_level, const char *))
        : host_data_(host_data), sink_(sink) {}

    void debug(const std::string &message) const noexcept { write(WISEPAY_LOG_DEBUG, message); }
    void info(const std::string &message) const noexcept { write(WISEPAY_LOG_INFO, message); }
    void warning(const std::string &message) const noexcept { write(WISEPAY_LOG_WARNING, message); }
    void error(const std::string &message) const noexcept { write(WISEPAY_LOG_ERROR, message); }

  private:
    void write(wisepay_log_level level, const std::string &message) const noexcept;

    void *host_data_ = nullptr;
    void (*sink_)(void *, wisepay_log_level, const char *) = nullptr;
};

}  // namespace wisepay
