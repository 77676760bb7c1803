#include "storage/wal_index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wisepay::storage {
namespace {

constexpr std::uint32_t kWalIndexVersion = 3007000;  // iVersion, word 0
constexpr std::size_t kIsInitOffset = 12;            // byte after iChange
constexpr std::size_t kMappedBytes = 4096;           // SQLite grows the file in 32 KiB steps

}  // namespace

std::unique_ptr<WalIndexHeader> WalIndexHeader::open(const std::string &database_path) {
    const std::string shm_path = database_path + "-shm";
    const int fd = ::open(shm_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nullptr;
    struct stat info {};
    void *mapping = MAP_FAILED;
    // A shorter file is not (yet) a WAL index; mapping past its end would
    // fault on access.
    if (::fstat(fd, &info) == 0 && info.st_size >= static_cast<off_t>(kMappedBytes))
        mapping = ::mmap(nullptr, kMappedBytes, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);  // the mapping keeps the file
    if (mapping == MAP_FAILED)
        return nullptr;

    std::unique_ptr<WalIndexHeader> view(new WalIndexHeader(mapping));
    const Words words = view->read();
    const auto *bytes = static_cast<const unsigned char *>(mapping);
    if (words[0] != kWalIndexVersion || bytes[kIsInitOffset] != 1)
        return nullptr;
    return view;
}

WalIndexHeader::~WalIndexHeader() {
    ::munmap(const_cast<void *>(mapping_), kMappedBytes);
}

WalIndexHeader::Words WalIndexHeader::read() const {
    // Another process writes these words: atomic loads keep each word whole
    // and the acquire fence orders what the caller reads next after them.
    const auto *words = static_cast<const std::uint32_t *>(mapping_);
    Words out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = __atomic_load_n(&words[i], __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return out;
}

}  // namespace wisepay::storage
