// Decoding what a browser sends: application/x-www-form-urlencoded bodies,
// query strings and the Cookie header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace admin_console {

// Name/value pairs in the order sent. A name may repeat; get() returns the
// first value, which is what a form with unique names produces.
class FormData {
  public:
    // Never fails: malformed percent escapes are kept literally, as
    // browsers do, so a stray '%' typed into a field survives.
    static FormData parse(std::string_view encoded);

    bool has(std::string_view name) const;
    std::optional<std::string> get(std::string_view name) const;

    // A form may carry the API key, so every value is overwritten when the
    // form is dropped; for the same reason it can be moved but not copied.
    FormData() = default;
    FormData(FormData &&) = default;
    FormData &operator=(FormData &&) = delete;
    FormData(const FormData &) = delete;
    FormData &operator=(const FormData &) = delete;
    ~FormData();

  private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// The query part of a request target ("" when there is none), and the path.
std::string_view target_path(std::string_view target);
std::string_view target_query(std::string_view target);

// The value of cookie `name` in a Cookie header, or "" when absent.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

// Overwrites a string's bytes, then empties it. Volatile stores, so the
// compiler cannot drop them as dead writes.
void wipe_string(std::string &text);

}  // namespace admin_console
