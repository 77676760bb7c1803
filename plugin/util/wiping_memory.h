// Memory that is wiped before it is given back, for data that carries a
// secret: a Boost.JSON memory resource, for parsing documents such as the
// settings a save sends (they hold the API key in plain text), and a
// standard allocator, for containers such as the HTTP client's buffers.
#pragma once

#include <openssl/crypto.h>

#include <boost/json/memory_resource.hpp>
#include <new>

namespace wisepay {

class WipingMemoryResource final : public boost::json::memory_resource {
  private:
    // Over-aligned requests take the aligned operators, the rest the plain
    // ones, so that every pair of new and delete matches exactly.
    static bool over_aligned(std::size_t align) { return align > __STDCPP_DEFAULT_NEW_ALIGNMENT__; }
    void *do_allocate(std::size_t bytes, std::size_t align) override {
        return over_aligned(align) ? ::operator new(bytes, std::align_val_t(align))
                                   : ::operator new(bytes);
    }
    void do_deallocate(void *p, std::size_t bytes, std::size_t align) override {
        OPENSSL_cleanse(p, bytes);
        // Unsized: clang does not enable sized deallocation by default.
        if (over_aligned(align)) {
            ::operator delete(p, std::align_val_t(align));
        } else {
            ::operator delete(p);
        }
    }
    bool do_is_equal(const boost::json::memory_resource &other) const noexcept override {
        return this == &other;
    }
};

}  // namespace wisepay

namespace wisepay {

// A standard allocator that wipes memory before freeing it: for containers
// that briefly hold a secret, such as the header fields of a request that
// carries the API key.
template <typename T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() = default;
    template <typename U>
    WipingAllocator(const WipingAllocator<U> &) noexcept {}
    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T))); }
    void deallocate(T *p, std::size_t n) noexcept {
        OPENSSL_cleanse(p, n * sizeof(T));
        ::operator delete(p);
    }
    template <typename U>
    bool operator==(const WipingAllocator<U> &) const noexcept {
        return true;
    }
    template <typename U>
    bool operator!=(const WipingAllocator<U> &) const noexcept {
        return false;
    }
};

}  // namespace wisepay
