// A JSON document parsed into memory that is wiped when it is released, the
// parser's scratch space included, and the stack below the parse scrubbed
// (Boost.JSON unescapes strings through an array on its own frame): for text
// that may hold a secret, such as a host config with a master key or a
// database password in it.
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "plugin/util/secret.h"
#include "plugin/util/wiping_memory.h"

namespace wisepay {

class WipedJson {
  public:
    WipedJson(std::string_view text, unsigned max_depth) : value_(storage()) {
        boost::json::parse_options options;
        options.max_depth = max_depth;
        // The first storage is for the parser's scratch space, reset()'s for
        // the parsed value: both wipe.
        boost::json::parser parser(storage(), options);
        parser.reset(storage());
        parser.write(text.data(), text.size(), error_);
        scrub_stack_below();
        if (!error_)
            value_ = parser.release();  // same storage: moved, not copied
    }
    WipedJson(const WipedJson &) = delete;
    WipedJson &operator=(const WipedJson &) = delete;

    // Why the text is not JSON; empty when it is.
    const boost::system::error_code &error() const { return error_; }
    const boost::json::value &value() const { return value_; }
    // The top-level object, or nullptr when the text is not one.
    const boost::json::object *object() const { return value_.if_object(); }

  private:
    boost::json::storage_ptr storage() { return boost::json::storage_ptr(&memory_); }

    WipingMemoryResource memory_;  // declared first: the value's memory goes last
    boost::system::error_code error_;
    boost::json::value value_;
};

}  // namespace wisepay
