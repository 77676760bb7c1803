// Tests on eight bytes at a time, for the scans that run over every byte of
// a click's request and answer (header values, URLs, JSON strings): a word
// in which no byte is of interest passes whole, and only a word that holds
// one is looked at byte by byte. Each test is exact for the word as a whole
// (non-zero exactly when some byte matches); which bits are set says
// nothing about which bytes, since a borrow can mark a neighbour.
#pragma once

#include <cstdint>
#include <cstring>

namespace wisepay::byte_words {

inline constexpr std::uint64_t kOnes = 0x0101010101010101;
inline constexpr std::uint64_t kHighs = 0x8080808080808080;

// The eight bytes at `p`, which need not be aligned.
inline std::uint64_t load(const char *p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

// Non-zero exactly when some byte of `word` is below `n` (n <= 0x80).
constexpr std::uint64_t any_below(std::uint64_t word, std::uint64_t n) {
    return (word - kOnes * n) & ~word & kHighs;
}

// Non-zero exactly when some byte of `word` equals `byte`.
constexpr std::uint64_t any_equal(std::uint64_t word, unsigned char byte) {
    return any_below(word ^ (kOnes * byte), 1);
}

// Non-zero exactly when some byte of `word` is 0x7F (DEL) or above. The
// addition cannot carry into the next byte: the high bits are cleared first.
constexpr std::uint64_t any_del_or_above(std::uint64_t word) {
    return (word | ((word & ~kHighs) + kOnes)) & kHighs;
}

}  // namespace wisepay::byte_words
