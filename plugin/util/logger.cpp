// Every line reaches the host prefixed "wisepay: ", to tell it apart in the
// host's log; an exception thrown by the host's callback is swallowed.
#include "plugin/util/logger.h"

namespace wisepay {

void Logger::write(wisepay_log_level level, const std::string &message) const noexcept {
    if (sink_ == nullptr) {
        return;
    }
    // A host written in C++ could throw from its callback; that must not
    // unwind through the plugin's own frames into the host's other call.
    try {
        sink_(host_data_, level, ("wisepay: " + message).c_str());
    } catch (...) {
    }
}

}  // namespace wisepay
