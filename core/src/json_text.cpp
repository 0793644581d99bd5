#include "vmpulse/detail/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace vmpulse::detail {

namespace {

constexpr std::uint64_t kHighs = 0x8080808080808080;

std::uint64_t load8(const unsigned char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return word;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  const auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  std::uint32_t code = 0;
  std::uint32_t min_code = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, code = b0 & 0x1Fu, min_code = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, code = b0 & 0x0Fu, min_code = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, code = b0 & 0x07u, min_code = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (b & 0x3Fu);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

std::size_t utf8_length(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  std::size_t count = 0;
  // ASCII eight bytes at a time: each of them is a code point.
  while (end - p >= 8 && (load8(p) & kHighs) == 0) {
    p += 8, count += 8;
  }
  for (; p < end; ++p) {
    // Count every byte that is not a continuation byte.
    if ((*p & 0xC0) != 0x80) {
      ++count;
    }
  }
  return count;
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Copy the longest run that needs no escaping in one go (the common case is all of it).
    std::size_t run = i;
    while (run < text.size() && !needs_json_escape(static_cast<unsigned char>(text[run]))) {
      ++run;
    }
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) {
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        out.append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
    ++i;
  }
  out.push_back('"');
}

void append_json_int(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_json_uint(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

namespace {

// `scaled` / 10^decimals in fixed notation with exactly `decimals` digits after the point
// (none and no point for 0), `scaled` being a whole number of magnitude below 2^53 (exact
// in a double), written from the end of `text` backwards (digits, the point, more digits,
// the sign); returns where it starts (it ends at text's end).
char* format_scaled(char (&text)[24], double scaled, int decimals) {
  auto magnitude = static_cast<std::uint64_t>(std::fabs(scaled));
  char* first = text + sizeof text;
  for (int i = 0; i < decimals; ++i) {
    *--first = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  }
  if (decimals > 0) {
    *--first = '.';
  }
  do {
    *--first = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (scaled < 0) {
    *--first = '-';
  }
  return first;
}

// The same written at `at`; returns the end.
char* write_scaled(char* at, double scaled, int decimals) {
  char text[24];
  const char* first = format_scaled(text, scaled, decimals);
  const auto length = static_cast<std::size_t>(text + sizeof text - first);
  std::memcpy(at, first, length);
  return at + length;
}

// Appended from where format_scaled left it: one copy, not two (route 1 writes twelve
// numbers of a version 2 record this way).
void append_scaled(std::string& out, double scaled, int decimals) {
  char text[24];
  const char* first = format_scaled(text, scaled, decimals);
  out.append(first, static_cast<std::size_t>(text + sizeof text - first));
}

constexpr double kScales[] = {1, 10, 100, 1000, 10000};

}  // namespace

char* write_json_fixed_fast(char* at, double value, int decimals) {
  // The usual numbers (below 2^40 once scaled, decimals 0..4) without to_chars, which
  // showed in route 1's profile (20 numbers per record in procesos_top's stored form):
  // the product value * 10^decimals in a double is within 2^-13 of the exact one, so
  // when it is more than 10^-3 away from a midpoint (k + 0.5) the exact product rounds
  // to the same whole number, and that is what to_chars writes. Products nearer a
  // midpoint (0.125 with 2 decimals is exactly on one: to_chars rounds it to even) and
  // everything else (NaN and infinities too) are left to append_json_fixed's to_chars.
  if (decimals < 0 || decimals >= 5) {
    return nullptr;
  }
  const double scaled = value * kScales[decimals];
  if (!(std::fabs(scaled) < 0x1p40)) {
    return nullptr;
  }
  // floor() without the libm call: truncation is exact below 2^40.
  double whole = static_cast<double>(static_cast<std::int64_t>(scaled));
  if (whole > scaled) {
    whole -= 1;
  }
  const double fraction = scaled - whole;
  if (!(std::fabs(fraction - 0.5) > 1e-3)) {
    return nullptr;
  }
  const double rounded = fraction > 0.5 ? whole + 1 : whole;
  // A value that rounds to zero is written "0.00", never "-0.00".
  return write_scaled(at, rounded == 0 ? 0.0 : rounded, decimals);
}

void append_json_fixed(std::string& out, double value, int decimals) {
  char fast[kJsonFixedFastMax];
  if (const char* end = write_json_fixed_fast(fast, value, decimals)) {
    out.append(static_cast<const char*>(fast), end);
    return;
  }
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  const double scale = decimals >= 0 && decimals < 5 ? kScales[decimals] : std::pow(10.0, decimals);
  if (std::round(value * scale) == 0.0) {
    value = 0.0;
  }
  char buffer[400];  // fixed notation of the largest double fits
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  out.append(buffer, result.ptr);
}

void append_shortest_fixed(std::string& out, double value) {
  // Values with at most two decimals (every number of a normal record) without to_chars:
  // when n / 100 (n whole, below 2^53, so the division rounds correctly as a parse of
  // that decimal would) is `value`, that decimal reads back as `value`; below 10^9 two
  // doubles are much closer than 0.01, so no other decimal of at most two decimals
  // does, and no shorter one either: it is to_chars' shortest text. Trailing zeros go,
  // as to_chars writes none. Zero (and -0, which to_chars writes "-0") takes to_chars.
  if (value != 0 && std::fabs(value) < 1e9) {
    const double scaled = std::nearbyint(value * 100);
    if (scaled / 100 == value) {
      const auto magnitude = static_cast<std::uint64_t>(std::fabs(scaled));
      const int decimals = magnitude % 10 != 0 ? 2 : magnitude % 100 != 0 ? 1 : 0;
      append_scaled(out,
                    decimals == 2   ? scaled
                    : decimals == 1 ? scaled / 10
                                    : scaled / 100,
                    decimals);
      return;
    }
  }
  char buffer[400];  // fixed notation of the largest double fits
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  out.append(buffer, result.ptr);
}

bool is_plain_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    ++i;
  }
  const std::size_t digits_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
  }
  if (i == digits_start) {
    return false;
  }
  // JSON forbids leading zeros ("007"); MySQL never prints them, but be strict.
  if (text[digits_start] == '0' && i - digits_start > 1) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    if (i == fraction_start) {
      return false;
    }
  }
  return i == text.size();
}

bool is_json_array_text(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[' && text[last] == ']';
}

}  // namespace vmpulse::detail
