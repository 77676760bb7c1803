// The run's results as Markdown: headings, tables and notes printed as they
// are made (a long run shows its progress), kept, and written to a file at
// the end for docs/benchmarks.md. Also the number formats every table uses,
// and the targets, each printed as met or missed.
#pragma once

#include <string>
#include <vector>

#include "bench/samples.h"

namespace wisepay::bench {

std::string fmt_us(double us);               // "24.3 us", "1816 us"
std::string fmt_x(double ratio);             // "1.02x"
std::string fmt_spread_x(const Spread &s);   // "1.02x (0.95-1.10)"
std::string fmt_spread_us(const Spread &s);  // "24.3 us (23.9-25.0)"
std::string fmt_count(double value);         // "123,456"
std::string fmt_percent(double fraction);    // "41%"

class Report {
  public:
    void heading(const std::string &text);
    void paragraph(const std::string &text);
    void table(const std::vector<std::string> &columns);
    void row(const std::vector<std::string> &cells);

    // A target: `value` against `bound` (at most, or at least), printed at
    // once and gathered for the targets table.
    void target(const std::string &what, double value, double bound, bool at_most,
                const std::string &unit, const std::string &how);
    // The targets table, as the report's last section.
    void targets_table();

    bool write(const std::string &path) const;

  private:
    void emit(const std::string &line);

    std::vector<std::string> lines_;
    std::vector<std::string> targets_;
    bool in_table_ = false;
};

}  // namespace wisepay::bench
