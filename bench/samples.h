// Latency samples in microseconds and the percentiles the report prints.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace wisepay::bench {

class Samples {
  public:
    void add(double us) { values_.push_back(us); }
    void add_all(const Samples &other) {
        values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    }
    std::size_t count() const { return values_.size(); }

    // Nearest-rank percentile (p in 0..100); 0 when empty.
    double percentile(double p) {
        if (values_.empty())
            return 0;
        std::sort(values_.begin(), values_.end());
        const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values_.size()));
        return values_[std::min(rank, values_.size() - 1)];
    }
    double p50() { return percentile(50); }
    double p99() { return percentile(99); }

  private:
    std::vector<double> values_;
};

}  // namespace wisepay::bench
