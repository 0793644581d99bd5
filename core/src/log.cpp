#include "vmpulse/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "vmpulse/detail/json_text.hpp"

namespace vmpulse {
namespace {

std::string_view cloud_severity(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARNING";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "DEFAULT";
  }
}

// RFC 3339 in UTC with milliseconds, like the text format's timestamps.
std::string utc_time(spdlog::log_clock::time_point when) {
  const auto since_epoch = when.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(text, n) + "." + std::to_string(1000 + millis).substr(1) + "Z";
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string line =
        json_log_line(utc_time(msg.time), cloud_severity(msg.level),
                      std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                      std::string_view(msg.payload.data(), msg.payload.size())) +
        "\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Called once at start-up, before other threads exist.
std::string from_environment(std::string_view given, const char* variable, const char* fallback) {
  if (!given.empty()) {
    return std::string(given);
  }
  const char* value = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe)
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

bool is_log_format(std::string_view format) { return format == "text" || format == "json"; }

std::string json_log_line(std::string_view time, std::string_view severity,
                          std::string_view component, std::string_view message) {
  std::string line = "{\"time\":";
  detail::append_json_string(line, time);
  line += ",\"severity\":";
  detail::append_json_string(line, severity);
  line += ",\"component\":";
  detail::append_json_string(line, component);
  line += ",\"message\":";
  detail::append_json_string(line, message);
  line += '}';
  return line;
}

std::optional<std::string> init_logging(std::string_view program, std::string_view level,
                                        std::string_view format) {
  const std::string wanted = from_environment(level, "VMPULSE_LOG_LEVEL", "info");
  const std::string wanted_format = from_environment(format, "VMPULSE_LOG_FORMAT", "text");
  // Not through spdlog's registry factory, which throws when the name is taken: a
  // second call (tests, a re-initialising binary) simply replaces the logger.
  auto logger = std::make_shared<spdlog::logger>(
      std::string(program), std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (wanted_format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    // Timestamps in UTC like every time in vmpulse, so logs line up with the records.
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %n: %v", spdlog::pattern_time_type::utc);
  }
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
  if (!is_log_format(wanted_format)) {
    return "unknown log format \"" + wanted_format + "\" (text or json)";
  }
  return std::nullopt;
}

}  // namespace vmpulse
