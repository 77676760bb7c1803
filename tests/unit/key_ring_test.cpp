// The master key ring: seal under the current key, open with the key a row
// names, a clear error naming a key the ring lacks, and keys from the host.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "plugin/crypto/key_ring.h"
#include "plugin/crypto/master_key.h"
#include "plugin/util/error.h"

using namespace wisepay;

namespace {

MasterKey key_of(unsigned char fill) {
    SecretBytes bytes(MasterKey::kSize);
    std::memset(bytes.data(), fill, bytes.size());
    return MasterKey(std::move(bytes));
}

KeyRing ring_of(std::vector<unsigned char> fills, std::size_t current) {
    std::vector<MasterKey> keys;
    for (const unsigned char fill : fills)
        keys.push_back(key_of(fill));
    return KeyRing(std::move(keys), current);
}

Error error_of(const std::function<void()> &call) {
    try {
        call();
    } catch (const Error &e) {
        return e;
    }
    FAIL("no error");
    return Error(WISEPAY_OK, "", "");
}

}  // namespace

TEST_CASE("a ring seals under its current key and opens under whichever key a row names") {
    const KeyRing old_only = ring_of({0xA1}, 0);
    const Sealed under_a = seal(old_only, "acme", "wp_live_rotation_key");
    CHECK(under_a.key_id == old_only.current().id());

    const KeyRing both = ring_of({0xA1, 0xB2}, 1);
    CHECK(open_sealed(both, "acme", under_a.blob, under_a.key_id).view() == "wp_live_rotation_key");
    const Sealed under_b = seal(both, "acme", "wp_live_rotation_key");
    CHECK(under_b.key_id == both.current().id());
    CHECK(under_b.key_id != under_a.key_id);

    const KeyRing new_only = ring_of({0xB2}, 0);
    CHECK(open_sealed(new_only, "acme", under_b.blob, under_b.key_id).view() ==
          "wp_live_rotation_key");
    const Error missing =
        error_of([&] { open_sealed(new_only, "acme", under_a.blob, under_a.key_id); });
    CHECK(missing.status() == WISEPAY_E_CRYPTO);
    CHECK(missing.code() == "master_key_missing");
    CHECK_THAT(missing.message(), Catch::Contains(under_a.key_id));
    // A relabelled row (another key's id on this blob) does not open either.
    CHECK(error_of([&] { open_sealed(both, "acme", under_a.blob, under_b.key_id); }).status() ==
          WISEPAY_E_CRYPTO);
}

TEST_CASE("a ring needs a current key, and the same key twice is refused") {
    CHECK(error_of([] { ring_of({}, 0); }).status() == WISEPAY_E_CONFIG);
    CHECK(error_of([] { ring_of({0x11}, 1); }).status() == WISEPAY_E_CONFIG);
    CHECK(error_of([] { ring_of({0x11, 0x22, 0x11}, 0); }).status() == WISEPAY_E_CONFIG);
}

namespace {

// A host's secret store: names to bytes, and how it misbehaves.
struct SecretStore {
    std::string name = "wisepay/2026";
    std::size_t hand_over = MasterKey::kSize;
    wisepay_status answer = WISEPAY_OK;
    int calls = 0;
    static wisepay_status get(void *data, const char *name, unsigned char *out,
                              std::size_t capacity, std::size_t *out_len) {
        auto *store = static_cast<SecretStore *>(data);
        ++store->calls;
        if (store->answer != WISEPAY_OK || store->name != name)
            return store->answer != WISEPAY_OK ? store->answer : WISEPAY_E_CONFIG;
        const std::size_t n = std::min(store->hand_over, capacity);
        std::memset(out, 0xC3, n);
        *out_len = store->hand_over;
        return WISEPAY_OK;
    }
};

}  // namespace

TEST_CASE("a master key from the host: handed over, refused, or of the wrong length") {
    SecretStore store;
    const HostKeys host{&store, &SecretStore::get};
    MasterKeySource source;
    source.kind = MasterKeySource::Kind::kHost;
    source.name_or_path = "wisepay/2026";

    CHECK(load_master_key(source, host, Logger()).id() == key_of(0xC3).id());
    CHECK(store.calls == 1);

    store.answer = WISEPAY_E_UNAVAILABLE;  // the secret store is down
    Error refused = error_of([&] { load_master_key(source, host, Logger()); });
    CHECK(refused.status() == WISEPAY_E_CONFIG);
    CHECK_THAT(refused.message(),
               Catch::Contains("wisepay/2026") && Catch::Contains("returned 13"));

    store.answer = WISEPAY_OK;
    for (const std::size_t wrong :
         {std::size_t{0}, std::size_t{16}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
        store.hand_over = wrong;
        const Error bad = error_of([&] { load_master_key(source, host, Logger()); });
        CHECK(bad.status() == WISEPAY_E_CONFIG);
        CHECK_THAT(bad.message(), Catch::Contains(std::to_string(wrong) + " bytes"));
    }

    const Error no_callback = error_of([&] { load_master_key(source, HostKeys{}, Logger()); });
    CHECK(no_callback.status() == WISEPAY_E_CONFIG);
    CHECK_THAT(no_callback.message(), Catch::Contains("no get_master_key callback"));
}
