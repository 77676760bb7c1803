// A child process a test talks to in lines: commands go to its stdin,
// answers come from its stdout, each read bounded by a timeout. Its stderr
// goes to a file, for failure messages. The destructor closes its stdin and
// waits for it (killing it if it does not end within 20 seconds).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wisepay::test {

class LineProcess {
  public:
    LineProcess(const std::vector<std::string> &args, const std::string &stderr_file);
    ~LineProcess();
    LineProcess(const LineProcess &) = delete;
    LineProcess &operator=(const LineProcess &) = delete;

    void send(const std::string &line);
    // The next line (without its newline), or nullopt when none came within
    // `timeout` or the process closed its stdout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Sends `line` and returns the one-line answer ("" when none came).
    std::string ask(const std::string &line,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

  private:
    pid_t pid_ = -1;
    int to_child_ = -1;
    int from_child_ = -1;
    std::string pending_;
};

}  // namespace wisepay::test
