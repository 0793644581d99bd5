// The value of one hexadecimal digit, for the two percent-decoders (strict in
// config.cpp for URLs, lenient in http.cpp for query strings).
#pragma once

namespace vmpulse::detail {

// 0–15, or -1 when `c` is not a hexadecimal digit.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace vmpulse::detail
