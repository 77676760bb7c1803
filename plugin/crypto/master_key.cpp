// Reading each kind of master key source. Hex text is trimmed first; a key
// file is read up to 1 KiB, and only warned about when others may read it; a
// new key file is created with O_EXCL, so instances that race to make it end
// up with one key; the host's key lands in a buffer of ours that is wiped.
#include "plugin/crypto/master_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "plugin/util/error.h"
#include "plugin/util/text.h"

namespace wisepay {
namespace {

constexpr std::size_t kHexSize = MasterKey::kSize * 2;
constexpr std::size_t kMaxKeyFileSize = 1024;

Error key_error(const std::string &message) {
    return Error(WISEPAY_E_CONFIG, "invalid_master_key", message);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

MasterKey decode(std::string_view hex, const std::string &where) {
    hex = text::trim(hex);
    if (hex.size() != kHexSize) {
        throw key_error("The master key from " + where + " must be 64 hex digits (32 bytes).");
    }
    SecretBytes key(MasterKey::kSize);
    for (std::size_t i = 0; i < MasterKey::kSize; ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            throw key_error("The master key from " + where + " must be 64 hex digits (32 bytes).");
        }
        key.data()[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    return MasterKey(std::move(key));
}

void create_key_file(const std::string &path) {
    SecretBytes key(MasterKey::kSize);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw key_error("Could not get random bytes for a new master key.");
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    SecretBytes hex(kHexSize + 1);
    for (std::size_t i = 0; i < key.size(); ++i) {
        hex.data()[2 * i] = static_cast<unsigned char>(kDigits[key.data()[i] >> 4]);
        hex.data()[2 * i + 1] = static_cast<unsigned char>(kDigits[key.data()[i] & 0x0F]);
    }
    hex.data()[kHexSize] = '\n';
    // O_EXCL: if two instances race to create it, one wins and the other reads it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return;
        throw key_error("Cannot create master key file '" + path + "': " + std::strerror(errno));
    }
    const bool written =
        ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        ::unlink(path.c_str());
        throw key_error("Cannot write master key file '" + path + "'.");
    }
}

MasterKey read_key_file(const MasterKeySource &source, const Logger &log) {
    const std::string &path = source.name_or_path;
    if (source.create_file) {
        create_key_file(path);
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw key_error("Cannot open master key file '" + path + "': " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd, &info) == 0 && (info.st_mode & 077) != 0) {
        log.warning("master key file '" + path +
                    "' can be read by other users; restrict it with chmod 600");
    }
    SecretBytes content(kMaxKeyFileSize);
    const ssize_t got = ::read(fd, content.data(), content.size());
    ::close(fd);
    if (got < 0) {
        throw key_error("Cannot read master key file '" + path + "'.");
    }
    return decode(content.view().substr(0, static_cast<std::size_t>(got)), "file '" + path + "'");
}

// A key the host hands over from its own secret store, into a buffer of
// ours that is wiped when the key goes.
MasterKey ask_host(const std::string &name, const HostKeys &host) {
    if (host.get == nullptr) {
        throw key_error("The master key \"" + name +
                        "\" is to come from the host, but the host gives no get_master_key "
                        "callback.");
    }
    // Room for more than a key, so that a host handing over too much is
    // told so rather than cut short.
    SecretBytes buffer(2 * MasterKey::kSize);
    std::size_t written = 0;
    const int status = static_cast<int>(
        host.get(host.host_data, name.c_str(), buffer.data(), buffer.size(), &written));
    if (status != WISEPAY_OK) {
        throw key_error("The host could not hand over the master key \"" + name +
                        "\" (get_master_key returned " + std::to_string(status) + ").");
    }
    if (written != MasterKey::kSize) {
        throw key_error("The host handed over " + std::to_string(written) +
                        " bytes for the master key \"" + name + "\"; a master key is " +
                        std::to_string(MasterKey::kSize) + " bytes.");
    }
    SecretBytes key(MasterKey::kSize);
    std::copy(buffer.data(), buffer.data() + MasterKey::kSize, key.data());
    return MasterKey(std::move(key));
}

}  // namespace

MasterKey load_master_key(const MasterKeySource &source, const HostKeys &host, const Logger &log) {
    switch (source.kind) {
        case MasterKeySource::Kind::kEnvironment: {
            const char *value = std::getenv(source.name_or_path.c_str());
            if (value == nullptr) {
                throw key_error("The environment variable " + source.name_or_path +
                                " that should hold the master key is not set.");
            }
            return decode(value, "environment variable " + source.name_or_path);
        }
        case MasterKeySource::Kind::kFile:
            return read_key_file(source, log);
        case MasterKeySource::Kind::kHex:
            return decode(source.hex_value, "the config");
        case MasterKeySource::Kind::kHost:
            return ask_host(source.name_or_path, host);
    }
    throw key_error("Unknown master key source.");
}

KeyRing load_key_ring(const std::vector<MasterKeySource> &sources, const HostKeys &host,
                      const Logger &log) {
    std::vector<MasterKey> keys;
    std::size_t current = sources.size();
    for (const MasterKeySource &source : sources) {
        if (source.current)
            current = keys.size();
        keys.push_back(load_master_key(source, host, log));
    }
    return KeyRing(std::move(keys), current);
}

}  // namespace wisepay
