// Directories come from mkdtemp under WISEPAY_TEST_TMP (set by
// tests/CMakeLists.txt). read_all_files() reads through cat in a child
// process, for the reason given there.
#include "tests/support/temp_dir.h"

#include <cstdio>
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
    // Read by another process: closing a descriptor of the database in this
    // one would drop the locks of any plugin instance this process has open
    // on it (POSIX record locks belong to the process, not the descriptor).
    std::string command = "cat";
    for (const auto &entry : std::filesystem::directory_iterator(dir)) {
        if (entry.is_regular_file())
            command += " '" + entry.path().string() + "'";
    }
    std::string all;
    if (command == "cat")
        return all;
    FILE *pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("cannot run cat");
    char buffer[65536];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        all.append(buffer, got);
    if (::pclose(pipe) != 0)
        throw std::runtime_error("cat failed on the files of " + dir.string());
    return all;
}

}  // namespace wisepay::test
