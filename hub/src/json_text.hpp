// Small JSON writing helpers for the hub's hand-built messages: the hub serializes each
// update once, straight from the database's text, so it appends to strings instead of
// building DOM trees. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vmpulse::hub {

// Appends `text` as a quoted JSON string (escapes quotes, backslashes, control bytes).
void append_json_string(std::string& out, std::string_view text);

// True when `text` is a JSON number as MySQL prints DECIMAL, BIGINT and AVG results
// ("-12", "3.50", "0.000000"), so it can be copied into a message unquoted.
bool is_plain_number(std::string_view text);

// True when `text` is bracketed as a JSON array (outer whitespace aside): the check on
// a stored JSON column's text before it is copied into a message. The database
// validated the rest when it was stored.
bool is_json_array_text(std::string_view text);

// Seconds since the Unix epoch <-> "YYYY-MM-DD HH:MM:SS" UTC.
std::string format_utc_seconds(std::int64_t seconds);

}  // namespace vmpulse::hub
