// Logging for every vmpulse binary: spdlog to stderr, UTC timestamps, the program's
// name on each line. Call once at start-up, before other threads log.
//
// Two formats: "text" for people (the default), and "json" for log pipelines (Cloud
// Logging, Loki, Elasticsearch): one object a line,
//   {"time":"2026-01-01T00:00:00.000Z","severity":"INFO","component":"vmpulse-api","message":"…"}
// with Cloud Logging's severity names (DEBUG, INFO, WARNING, ERROR, CRITICAL; trace is
// DEBUG). Messages are escaped so that every line is valid JSON whatever they contain.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vmpulse {

// `level` is trace, debug, info, warn, error, critical or off; when empty, the
// VMPULSE_LOG_LEVEL environment variable decides, and otherwise info. An unknown level
// falls back to info with a warning. `format` is text or json; when empty,
// VMPULSE_LOG_FORMAT decides, and otherwise text. An unknown format is returned as a
// problem (the program should refuse to start), and text is used meanwhile.
std::optional<std::string> init_logging(std::string_view program, std::string_view level,
                                        std::string_view format = {});

// The formats init_logging knows; for flag parsers' errors.
bool is_log_format(std::string_view format);

// One log line in the json format, without the newline (for tests and the formatter).
std::string json_log_line(std::string_view time, std::string_view severity,
                          std::string_view component, std::string_view message);

}  // namespace vmpulse
