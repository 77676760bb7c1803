// Latency samples in microseconds with the percentiles the report prints,
// and the spread (median, min, max) of one figure taken once per round.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace wisepay::bench {

class Samples {
  public:
    void add(double us) {
        values_.push_back(us);
        sorted_ = false;
    }
    void add_all(const Samples &other) {
        values_.insert(values_.end(), other.values_.begin(), other.values_.end());
        sorted_ = false;
    }
    std::size_t count() const { return values_.size(); }

    // Nearest-rank percentile (p in 0..100); 0 when empty.
    double percentile(double p) {
        if (values_.empty())
            return 0;
        if (!sorted_) {
            std::sort(values_.begin(), values_.end());
            sorted_ = true;
        }
        const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values_.size()));
        return values_[std::min(rank, values_.size() - 1)];
    }
    double p50() { return percentile(50); }
    double p99() { return percentile(99); }

  private:
    std::vector<double> values_;
    bool sorted_ = true;
};

struct Spread {
    double median = 0, min = 0, max = 0;
    std::size_t rounds = 0;
};

// The median (the mean of the middle two for an even count), min and max.
inline Spread spread_of(std::vector<double> values) {
    Spread out;
    out.rounds = values.size();
    if (values.empty())
        return out;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    out.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    out.min = values.front();
    out.max = values.back();
    return out;
}

// Element-wise a[i] / b[i]: the ratio of two clients within each round.
inline std::vector<double> ratios(const std::vector<double> &a, const std::vector<double> &b) {
    std::vector<double> out;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        out.push_back(b[i] > 0 ? a[i] / b[i] : 0);
    return out;
}

}  // namespace wisepay::bench
