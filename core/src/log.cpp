#include "vmpulse/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>

namespace vmpulse {

void init_logging(std::string_view program, std::string_view level) {
  std::string wanted(level);
  if (wanted.empty()) {
    // Called once at start-up, before other threads exist.
    const char* from_env = std::getenv("VMPULSE_LOG_LEVEL");  // NOLINT(concurrency-mt-unsafe)
    wanted = from_env != nullptr && *from_env != '\0' ? from_env : "info";
  }
  // Not through spdlog's registry factory, which throws when the name is taken: a
  // second call (tests, a re-initialising binary) simply replaces the logger.
  auto logger = std::make_shared<spdlog::logger>(
      std::string(program), std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  // Timestamps in UTC like every time in vmpulse, so logs line up with the records.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %n: %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  const auto parsed = spdlog::level::from_str(wanted);
  // from_str answers "off" for anything it does not know; only "off" itself means off.
  if (parsed == spdlog::level::off && wanted != "off") {
    spdlog::set_level(spdlog::level::info);
    spdlog::warn(
        "unknown log level \"{}\"; using info (trace, debug, info, warn, error, critical, off)",
        wanted);
  } else {
    spdlog::set_level(parsed);
  }
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace vmpulse
