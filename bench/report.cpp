// The report (report.h): each line printed as it is made and kept for the
// Markdown file; each target printed at once and gathered for the closing
// table.
#include "bench/report.h"

#include <cmath>
#include <cstdio>
#include <fstream>

namespace wisepay::bench {
namespace {

std::string printf_string(const char *format, double value) {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

std::string join_cells(const std::vector<std::string> &cells) {
    std::string line = "|";
    for (const std::string &cell : cells)
        line += " " + cell + " |";
    return line;
}

}  // namespace

std::string fmt_us(double us) {
    return printf_string(us < 100 ? "%.1f us" : "%.0f us", us);
}

std::string fmt_x(double ratio) {
    return printf_string("%.2fx", ratio);
}

std::string fmt_spread_x(const Spread &s) {
    return fmt_x(s.median) + printf_string(" (%.2f", s.min) + printf_string("-%.2f)", s.max);
}

std::string fmt_spread_us(const Spread &s) {
    const char *format = s.median < 100 ? "%.1f" : "%.0f";
    return fmt_us(s.median) + " (" + printf_string(format, s.min) + "-" +
           printf_string(format, s.max) + ")";
}

std::string fmt_count(double value) {
    const std::string digits = printf_string("%.0f", std::round(value));
    std::string out;
    const std::size_t lead = digits.size() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && i >= lead && (i - lead) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string fmt_percent(double fraction) {
    return printf_string("%.0f%%", fraction * 100);
}

void Report::emit(const std::string &line) {
    lines_.push_back(line);
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

void Report::heading(const std::string &text) {
    if (in_table_)
        emit("");
    in_table_ = false;
    emit("### " + text);
    emit("");
}

void Report::paragraph(const std::string &text) {
    if (in_table_)
        emit("");
    in_table_ = false;
    emit(text);
    emit("");
}

void Report::table(const std::vector<std::string> &columns) {
    if (in_table_)
        emit("");
    emit(join_cells(columns));
    std::string rule = "|";
    for (std::size_t i = 0; i < columns.size(); ++i)
        rule += "---|";
    emit(rule);
    in_table_ = true;
}

void Report::row(const std::vector<std::string> &cells) {
    emit(join_cells(cells));
}

void Report::target(const std::string &what, double value, double bound, bool at_most,
                    const std::string &unit, const std::string &how) {
    const bool met = at_most ? value <= bound : value >= bound;
    const char *format = unit == "x" ? "%.2f" : "%.1f";
    targets_.push_back(
        join_cells({what, printf_string(format, value) + unit,
                    std::string(at_most ? "<= " : ">= ") + printf_string(format, bound) + unit,
                    met ? "met" : "**missed**", how}));
    std::printf("target: %s: %s%s (%s %s%s) %s\n", what.c_str(),
                printf_string(format, value).c_str(), unit.c_str(),
                at_most ? "<=" : ">=", printf_string(format, bound).c_str(), unit.c_str(),
                met ? "met" : "MISSED");
    std::fflush(stdout);
}

void Report::targets_table() {
    heading("Targets");
    table({"target", "this run", "bound", "", "measured as"});
    for (const std::string &line : targets_)
        emit(line);
}

bool Report::write(const std::string &path) const {
    std::ofstream out(path);
    for (const std::string &line : lines_)
        out << line << "\n";
    return static_cast<bool>(out);
}

}  // namespace wisepay::bench
