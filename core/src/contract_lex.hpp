// The pieces of JSON lexing that both readers of an ingest body share: the general
// parser (contract_parse.cpp) and the plain-body reader (contract_plain.cpp). Internal to
// the contract implementation.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "contract_raw.hpp"

namespace vmpulse::detail {

inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

inline bool is_json_whitespace(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// A number with a fraction and no exponent ("20.5", "-0.25") of at most 15 digits, read
// without from_chars (it showed in route 1's profile: a version 2 record has 27 such
// numbers): its digits as a whole number m < 10^15 and its d ≤ 15 decimals make
// m / 10^d, both exact in a double, so the one division rounds correctly, to the double
// nearest the decimal, which is what from_chars answers (Clinger's fast path). Nothing
// for longer numbers. `first`..`last` is a valid JSON number with a point.
inline std::optional<double> short_decimal(const char* first, const char* last) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = *first == '-';
  const char* p = negative ? first + 1 : first;
  if (last - p > 16) {  // more than 15 digits and the point
    return std::nullopt;
  }
  std::uint64_t digits = 0;
  for (; p < last && *p != '.'; ++p) {
    digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  if (p == last) {  // no point (never here: the caller saw one)
    return std::nullopt;
  }
  const char* fraction = ++p;
  for (; p < last; ++p) {
    digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  const auto decimals = static_cast<std::size_t>(last - fraction);
  if (decimals < 1 || decimals > 15) {
    return std::nullopt;
  }
  const double value = static_cast<double>(digits) / kPowers[decimals];
  return negative ? -value : value;
}

// Where the run of bytes from `p` that a string may hold as they are ends: at a quote,
// a backslash, a control byte, DEL, a byte ≥ 0x80 (the start of UTF-8 to check) or
// `end`. A run is therefore printable ASCII (0x20..0x7e), which is all a string
// property's pattern needs to know of it when the pattern takes every printable
// character (Pattern::matches_printable: a process's name, a label's value).
// Eight bytes at a time while none of them ends the run (a version 2 record is ~100
// strings, keys included; byte by byte they were a fifth of its parse): the lowest
// flagged byte of each test below is the first such byte, exactly (`word + kOnes` sets
// the high bit of 0x7f..0xfe; a carry out of 0xff only reaches later bytes, and 0xff is
// flagged by `word` itself).
inline const unsigned char* plain_run_end(const unsigned char* p, const unsigned char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHighs = 0x8080808080808080;
    while (end - p >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t quote = word ^ (kOnes * '"');
      const std::uint64_t backslash = word ^ (kOnes * '\\');
      const std::uint64_t stops = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                                  ((word - kOnes * 0x20) & ~word) | word | (word + kOnes);
      if ((stops & kHighs) != 0) {
        return p + std::countr_zero(stops & kHighs) / 8;
      }
      p += 8;
    }
  }
  while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x7f) {
    ++p;
  }
  return p;
}

// The run of decimal digits at `q` appended to `value` (value * 10^n + the digits, modulo
// 2^64: the callers refuse runs long enough to wrap): where the run ends.
inline const unsigned char* scan_digits(const unsigned char* q, const unsigned char* end,
                                        std::uint64_t& value) {
  for (unsigned digit = 0; q < end && (digit = static_cast<unsigned>(*q - '0')) < 10; ++q) {
    value = value * 10 + digit;
  }
  return q;
}

// A plain number at `p`: an integer of at most 18 digits (kInteger, the int64 the
// general parser's from_chars reads) or one with a fraction, no exponent and at most 15
// digits (kFloat, the double short_decimal makes of it: the same digits over the same
// power of ten), moving `p` past it; false for anything else (an exponent, more digits,
// a leading zero, no digits), `p` unmoved: the general parser then reads it, or says what
// is wrong with it. The digits are read once, as they are scanned.
inline bool read_plain_number(const unsigned char*& p, const unsigned char* end, PlainValue& out) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = p < end && *p == '-';
  const unsigned char* digits = negative ? p + 1 : p;
  std::uint64_t value = 0;
  const unsigned char* q = scan_digits(digits, end, value);
  const auto whole = static_cast<std::size_t>(q - digits);
  if (whole == 0 || whole > 18 || (whole > 1 && *digits == '0')) {
    return false;
  }
  if (q < end && *q == '.') {
    const unsigned char* fraction = ++q;
    q = scan_digits(fraction, end, value);
    const auto decimals = static_cast<std::size_t>(q - fraction);
    if (decimals == 0 || whole + decimals > 15 ||
        (q < end && (is_digit(*q) || *q == 'e' || *q == 'E'))) {
      return false;
    }
    const double number = static_cast<double>(value) / kPowers[decimals];
    out.kind = RawValue::Kind::kFloat;
    out.integer = 0;
    out.number = negative ? -number : number;
  } else {
    if (q < end && (*q == 'e' || *q == 'E')) {
      return false;
    }
    const auto magnitude = static_cast<std::int64_t>(value);
    out.kind = RawValue::Kind::kInteger;
    out.integer = negative ? -magnitude : magnitude;
    out.number = 0;
  }
  p = q;
  return true;
}

}  // namespace vmpulse::detail
