#include "tests/support/temp_dir.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace wisepay::test {

TempDir::TempDir() {
    std::string pattern = std::string(WISEPAY_TEST_TMP) + "/t-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed under " + std::string(WISEPAY_TEST_TMP));
    }
    path_ = buffer.data();
}

TempDir::~TempDir() {
    if (std::getenv("WISEPAY_KEEP_TEST_FILES") == nullptr) {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string read_all_files(const std::filesystem::path &dir) {
    std::string all;
    for (const auto &entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file()) {
            all += read_file(entry.path().string());
        }
    }
    return all;
}

}  // namespace wisepay::test
