// What a stranger sends (an error body, a Location header) goes into a log
// only as a short excerpt on one line: an nginx 502 page or a newline in a header must
// not become log lines of their own. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vmpulse {

// `text` with every control character (newlines, tabs, escape sequences) and every
// run of spaces made one space, trimmed, and cut to at most `max_bytes` on a UTF-8
// character boundary; "…" follows a cut.
std::string log_excerpt(std::string_view text, std::size_t max_bytes = 120);

}  // namespace vmpulse
