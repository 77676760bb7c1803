// What every entry point of the C ABI shares: the instance behind the
// opaque handle, the checks of a host's arguments, and the guard every call
// runs in (no exception crosses into the host; each failure becomes a status
// and an error object; stats are recorded).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "abi/wisepay_plugin.h"
#include "plugin/plugin.h"
#include "plugin/stats.h"
#include "plugin/util/error.h"
#include "plugin/util/logger.h"

struct wisepay_instance {
    wisepay_instance(const wisepay::Logger &log, const wisepay::HostKeys &host_keys,
                     std::string_view config_json)
        : plugin(log, host_keys, config_json) {}
    wisepay::Plugin plugin;
    // Its database and network connections belong to this process; a child
    // made by fork() shares their descriptors and must not use them.
    const pid_t owner = ::getpid();
};

namespace wisepay {

// The size of a struct up to and including `last_field`: what a host built
// for the version that added that field passes at least. A larger
// struct_size (a newer host) is fine, a smaller one is refused.
#define WISEPAY_SIZE_THROUGH(type, last_field) \
    (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

template <typename T>
bool struct_fits(const T *value, std::size_t size_through_last_field) {
    return value != nullptr && value->struct_size >= size_through_last_field;
}

// Throws WISEPAY_E_INVALID_ARGUMENT with `code` and `message` unless `condition`.
void require(bool condition, const char *code, const char *message);

// Turns a failure into the call's status and, when the host asked for one,
// an error object; a failure the user cannot fix gets a correlation id,
// logged beside what happened.
wisepay_status report(const Logger *log, const Error &error, wisepay_error **out_error);

// Runs `body` with the boundary's guarantees: every exception mapped to a
// status, an instance from a parent process refused, stats recorded in the
// instance (when there is one).
template <typename Body>
wisepay_status guarded(wisepay_instance *instance, Stats::Call call, wisepay_error **out_error,
                       Body &&body) noexcept {
    const auto started = std::chrono::steady_clock::now();
    const Logger *log = instance != nullptr ? &instance->plugin.log() : nullptr;
    if (out_error != nullptr) {
        *out_error = nullptr;
    }
    wisepay_status status = WISEPAY_OK;
    try {
        if (instance != nullptr && instance->owner != ::getpid()) {
            throw invalid_argument("instance_from_parent_process",
                                   "This Wise-Pay plugin instance was created by the parent of "
                                   "this process, before fork(). Create a new instance here.");
        }
        body();
    } catch (const Error &e) {
        status = report(log, e, out_error);
    } catch (const std::bad_alloc &) {
        status = report(
            log, Error(WISEPAY_E_OUT_OF_MEMORY, "out_of_memory", "The plugin ran out of memory."),
            out_error);
    } catch (const std::exception &e) {
        if (log != nullptr)
            log->error(std::string("unexpected failure: ") + e.what());
        status = report(log, internal_error(), out_error);
    } catch (...) {
        status = report(log, internal_error(), out_error);
    }
    if (instance != nullptr) {
        instance->plugin.stats().record(call, status, std::chrono::steady_clock::now() - started);
    }
    return status;
}

}  // namespace wisepay
