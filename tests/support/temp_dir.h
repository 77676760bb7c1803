// A fresh directory under the build's test scratch folder, removed when the
// test ends (kept when WISEPAY_KEEP_TEST_FILES is set, for a post-mortem).
#pragma once

#include <filesystem>
#include <string>

namespace wisepay::test {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::filesystem::path &path() const { return path_; }
    std::string file(const std::string &name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// The whole content of a file, or "" when it does not exist.
std::string read_file(const std::string &path);

// Every file in `dir` concatenated: the database, its WAL and its shm. They
// are read by a child process, so this process never opens them itself.
std::string read_all_files(const std::filesystem::path &dir);

}  // namespace wisepay::test
