// Logging for every vmpulse binary: spdlog to stderr, UTC timestamps, the program's
// name on each line. Call once at start-up, before other threads log.
#pragma once

#include <string_view>

namespace vmpulse {

// `level` is trace, debug, info, warn, error, critical or off; when empty, the
// VMPULSE_LOG_LEVEL environment variable decides, and otherwise info. An unknown level
// falls back to info with a warning.
void init_logging(std::string_view program, std::string_view level);

}  // namespace vmpulse
