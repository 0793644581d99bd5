// Writing JSON text by hand on hot paths (the record, error answers, the hub's messages
// built straight from the database's text) where building a DOM would cost more than
// the answer itself. Internal to vmpulse (agent, api and hub), not a public API.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vmpulse::detail {

// True for a byte a JSON string literal cannot hold as it is: a quote, a backslash, a
// control byte, or a byte ≥ 0x80 (UTF-8, which append_json_string checks first).
inline bool needs_json_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

// Appends `text` as a JSON string literal (quotes included): `"` and `\` escaped,
// control characters as \u00XX, and bytes that are not valid UTF-8 replaced by U+FFFD
// so that the output is always valid JSON whatever the input.
void append_json_string(std::string& out, std::string_view text);

void append_json_int(std::string& out, std::int64_t value);
void append_json_uint(std::string& out, std::uint64_t value);

// Fixed-point with `decimals` digits; non-finite values are written as null because
// JSON has no NaN or infinity.
void append_json_fixed(std::string& out, double value, int decimals);

// What append_json_fixed appends, for the usual numbers (decimals 0..4, below 2^40 once
// scaled, not within 10^-3 of a rounding midpoint), written at `at` — room for
// kJsonFixedFastMax bytes — with the end returned; nullptr (nothing written) for any
// other value. For writers that fill a buffer of their own.
inline constexpr std::size_t kJsonFixedFastMax = 24;
char* write_json_fixed_fast(char* at, double value, int decimals);

// The shortest fixed-notation text that reads back as `value` (std::to_chars with
// chars_format::fixed and no precision): "20.5", "1000000000000", "-0", "0.001". Finite
// values only.
void append_shortest_fixed(std::string& out, double value);

// Length in bytes of the valid UTF-8 sequence starting at text[0], or 0 when the bytes
// there are not one (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text);

// Unicode code points in valid UTF-8 text (what JSON Schema's minLength and maxLength count).
std::size_t utf8_length(std::string_view text);

// True when `text` is a JSON number as MySQL prints DECIMAL, BIGINT and AVG results
// ("-12", "3.50", "0.000000"), so it can be copied into a message unquoted.
bool is_plain_number(std::string_view text);

// True when `text` is bracketed as a JSON array (outer whitespace aside): the check on
// a stored JSON column's text before it is copied into a message. The database
// validated the rest when it was stored.
bool is_json_array_text(std::string_view text);

}  // namespace vmpulse::detail
