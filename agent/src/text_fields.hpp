// Small pure helpers shared by the /proc parsers: splitting whitespace-separated
// columns and reading unsigned counters and fixed-point decimals without allocating.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vmpulse::agent {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The next whitespace-separated word of `text` (removed from it); empty at the end.
std::string_view next_word(std::string_view& text);

// `text` without blanks at either end.
std::string_view trim_blank(std::string_view text);

// The next line of `text` (without its '\n', removed from it).
std::string_view next_line(std::string_view& text);

// A whole word of decimal digits as a counter; nullopt otherwise.
std::optional<std::uint64_t> parse_counter(std::string_view word);

// A non-negative decimal such as "12.34" or "7"; nullopt otherwise.
std::optional<double> parse_decimal(std::string_view word);

}  // namespace vmpulse::agent
