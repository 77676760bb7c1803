// Sealing and opening API keys under master keys made in the test (no
// database): a fresh nonce per seal, refusal for another tenant, key or key
// id and for any flipped byte; and master keys loaded from hex, the
// environment and key files in a temporary folder (a created one is 0600);
// the decryption contexts a master key keeps, after failures, moves and
// from many threads at once.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "plugin/crypto/master_key.h"
#include "plugin/crypto/secret_box.h"
#include "plugin/util/error.h"
#include "tests/support/temp_dir.h"

#include <sys/stat.h>

using namespace wisepay;

namespace {

MasterKey key_of(unsigned char fill) {
    SecretBytes bytes(MasterKey::kSize);
    std::memset(bytes.data(), fill, bytes.size());
    return MasterKey(std::move(bytes));
}

wisepay_status status_of_open(const MasterKey &key, std::string_view tenant,
                              const std::vector<unsigned char> &blob, std::string_view key_id) {
    try {
        open_sealed(key, tenant, blob, key_id);
        return WISEPAY_OK;
    } catch (const Error &e) {
        return e.status();
    }
}

}  // namespace

TEST_CASE("a sealed key opens with the same master key and tenant") {
    const MasterKey key = key_of(0x11);
    const Sealed sealed = seal(key, "acme", "wp_live_0123456789abcdef");
    CHECK(sealed.key_id == key.id());
    const std::string blob(sealed.blob.begin(), sealed.blob.end());
    CHECK(blob.find("wp_live_0123456789abcdef") == std::string::npos);
    CHECK(open_sealed(key, "acme", sealed.blob, sealed.key_id).view() ==
          "wp_live_0123456789abcdef");
}

TEST_CASE("every seal uses a fresh nonce") {
    const MasterKey key = key_of(0x22);
    CHECK(seal(key, "acme", "same-key-text").blob != seal(key, "acme", "same-key-text").blob);
}

TEST_CASE("a sealed key does not open for another tenant, key, id or after tampering") {
    const MasterKey key = key_of(0x33);
    const Sealed sealed = seal(key, "acme", "wp_live_secret_value");
    CHECK(status_of_open(key, "globex", sealed.blob, sealed.key_id) == WISEPAY_E_CRYPTO);
    const MasterKey other = key_of(0x44);
    CHECK(other.id() != key.id());
    CHECK(status_of_open(other, "acme", sealed.blob, sealed.key_id) == WISEPAY_E_CRYPTO);
    CHECK(status_of_open(other, "acme", sealed.blob, other.id()) == WISEPAY_E_CRYPTO);
    for (std::size_t i = 0; i < sealed.blob.size(); ++i) {
        auto tampered = sealed.blob;
        tampered[i] ^= 0x01;
        CHECK(status_of_open(key, "acme", tampered, sealed.key_id) == WISEPAY_E_CRYPTO);
    }
    CHECK(status_of_open(key, "acme", {}, sealed.key_id) == WISEPAY_E_CRYPTO);
}

TEST_CASE("a master key's kept contexts open keys alike before and after failures and moves") {
    MasterKey key = key_of(0x55);
    const Sealed first = seal(key, "acme", "wp_live_first_key");
    const Sealed second = seal(key, "globex", "wp_live_second_key");
    auto tampered = first.blob;
    tampered.back() ^= 0x01;
    // Each open after a refused one, and each with another nonce than the
    // last, gives the right text: no context keeps state from an earlier use.
    for (int round = 0; round < 50; ++round) {
        CHECK(open_sealed(key, "acme", first.blob, first.key_id).view() == "wp_live_first_key");
        CHECK(status_of_open(key, "acme", tampered, first.key_id) == WISEPAY_E_CRYPTO);
        CHECK(status_of_open(key, "acme", second.blob, second.key_id) == WISEPAY_E_CRYPTO);
        CHECK(open_sealed(key, "globex", second.blob, second.key_id).view() ==
              "wp_live_second_key");
    }
    // Keys move when a ring's vector grows; the contexts go with them.
    std::vector<MasterKey> keys;
    keys.push_back(std::move(key));
    for (unsigned char fill = 0x60; fill < 0x70; ++fill)
        keys.push_back(key_of(fill));
    CHECK(open_sealed(keys.front(), "acme", first.blob, first.key_id).view() ==
          "wp_live_first_key");
    const Sealed other = seal(keys.back(), "acme", "wp_live_other_key");
    CHECK(status_of_open(keys.front(), "acme", other.blob, other.key_id) == WISEPAY_E_CRYPTO);
    CHECK(open_sealed(keys.back(), "acme", other.blob, other.key_id).view() == "wp_live_other_key");
}

TEST_CASE("one master key opens keys from many threads at once") {
    const MasterKey key = key_of(0x77);
    std::vector<Sealed> sealed;
    for (int i = 0; i < 8; ++i)
        sealed.push_back(
            seal(key, "tenant-" + std::to_string(i), "wp_live_key_" + std::to_string(i)));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 24; ++t) {  // more threads than contexts kept idle
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                const int which = (t + i) % 8;
                const SecretBytes text = open_sealed(key, "tenant-" + std::to_string(which),
                                                     sealed[which].blob, sealed[which].key_id);
                if (text.view() != "wp_live_key_" + std::to_string(which))
                    ++wrong;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    CHECK(wrong == 0);
}

TEST_CASE("master keys load from hex, environment and key files") {
    const Logger quiet;
    MasterKeySource hex;
    hex.kind = MasterKeySource::Kind::kHex;
    hex.hex_value = std::string(64, 'a');
    const MasterKey from_hex = load_master_key(hex, HostKeys{}, quiet);
    CHECK(from_hex.bytes().data()[0] == 0xaa);

    ::setenv("WISEPAY_TEST_MASTER_KEY", (" " + std::string(64, 'A') + "\n").c_str(), 1);
    MasterKeySource env;
    env.kind = MasterKeySource::Kind::kEnvironment;
    env.name_or_path = "WISEPAY_TEST_MASTER_KEY";
    CHECK(load_master_key(env, HostKeys{}, quiet).id() == from_hex.id());

    env.name_or_path = "WISEPAY_TEST_MASTER_KEY_UNSET";
    CHECK_THROWS_AS(load_master_key(env, HostKeys{}, quiet), Error);

    hex.hex_value = std::string(63, 'a');
    CHECK_THROWS_AS(load_master_key(hex, HostKeys{}, quiet), Error);
    hex.hex_value = std::string(62, 'a') + "zz";
    CHECK_THROWS_AS(load_master_key(hex, HostKeys{}, quiet), Error);
}

TEST_CASE("a key file is created owner-only with a random key, and read back the same") {
    test::TempDir dir;
    MasterKeySource file;
    file.kind = MasterKeySource::Kind::kFile;
    file.name_or_path = dir.file("master.key");
    file.create_file = false;
    CHECK_THROWS_AS(load_master_key(file, HostKeys{}, Logger()), Error);

    file.create_file = true;
    const MasterKey first = load_master_key(file, HostKeys{}, Logger());
    struct stat info {};
    REQUIRE(::stat(file.name_or_path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(load_master_key(file, HostKeys{}, Logger()).id() == first.id());

    test::TempDir other_dir;
    file.name_or_path = other_dir.file("master.key");
    CHECK(load_master_key(file, HostKeys{}, Logger()).id() != first.id());
}
