// Runs a fuzz target over saved inputs without libFuzzer, so that the seed
// corpus and every input that once crashed a target (regression-* files)
// are replayed by each build of the test suite, sanitized or not.
//
//   fuzz_replay_<target> <file or directory>...
//
// A crash or a sanitizer report fails the test; the name of the input being
// replayed is printed first so the failure points at it.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

int replay(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    std::printf("replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    return 1;
}

}  // namespace

int main(int argc, char **argv) {
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path path(argv[i]);
        if (std::filesystem::is_directory(path)) {
            for (const auto &entry : std::filesystem::directory_iterator(path)) {
                if (entry.is_regular_file())
                    replayed += replay(entry.path());
            }
        } else {
            replayed += replay(path);
        }
    }
    std::printf("%d inputs replayed without a crash\n", replayed);
    // Nothing replayed means a wrong path, not a pass.
    return replayed > 0 ? 0 : 1;
}
