#include "alert_format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "vmpulse/detail/json_text.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;
namespace {

// Local rather than alert.hpp's to_string: the notifier only ever sends these words,
// and Alertmanager's receivers match on them, so they are spelled out here.
std::string_view severity_word(Severity severity) {
  return severity == Severity::critical ? "critical" : "warning";
}

std::string_view status_word(AlertState state) {
  return state == AlertState::resolved ? "resolved" : "firing";
}

// The shortest text that reads back as the same double ("95.2", "90", "1e+21").
std::string number_text(double value) {
  if (!std::isfinite(value)) {
    return "";
  }
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
}

void append_member(std::string& out, std::string_view name, std::string_view value, bool& first) {
  if (!first) {
    out.push_back(',');
  }
  first = false;
  append_json_string(out, name);
  out.push_back(':');
  append_json_string(out, value);
}

void append_labels(std::string& out, const Alert& alert) {
  bool first = true;
  out.push_back('{');
  append_member(out, "alertname", alert.rule, first);
  append_member(out, "vm", alert.vm, first);
  append_member(out, "severity", severity_word(alert.severity), first);
  out.push_back('}');
}

void append_annotations(std::string& out, const Alert& alert) {
  bool first = true;
  out.push_back('{');
  append_member(out, "summary", alert.summary, first);
  if (alert.value) {
    append_member(out, "value", number_text(*alert.value), first);
  }
  if (alert.threshold) {
    append_member(out, "threshold", number_text(*alert.threshold), first);
  }
  out.push_back('}');
}

}  // namespace

std::string rfc3339_ms(std::int64_t unix_ms) {
  // Floor division, so a time before 1970 still reads right.
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 40> buffer{};
  const int n = std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(millis));
  return std::string(buffer.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string webhook_payload(const AlertNotice& notice, std::string_view external_url) {
  const Alert& alert = notice.alert;
  const std::string_view status = status_word(alert.state);
  std::string labels;
  append_labels(labels, alert);
  std::string annotations;
  append_annotations(annotations, alert);
  // Alertmanager's group key for a route grouping by alertname: "{}:{alertname="…"}".
  std::string group_key = "{}:{alertname=";
  append_json_string(group_key, alert.rule);
  group_key += "}";

  std::string out;
  out.reserve(768);
  out += R"({"version":"4","groupKey":)";
  append_json_string(out, group_key);
  out += R"(,"status":)";
  append_json_string(out, status);
  out += R"(,"receiver":"vmpulse","groupLabels":{"alertname":)";
  append_json_string(out, alert.rule);
  out += R"(},"commonLabels":)";
  out += labels;
  out += R"(,"commonAnnotations":)";
  out += annotations;
  out += R"(,"externalURL":)";
  append_json_string(out, external_url);
  out += R"(,"alerts":[{"status":)";
  append_json_string(out, status);
  out += R"(,"labels":)";
  out += labels;
  out += R"(,"annotations":)";
  out += annotations;
  out += R"(,"startsAt":)";
  append_json_string(out, rfc3339_ms(alert.since_ms));
  out += R"(,"endsAt":)";
  append_json_string(out, alert.state == AlertState::resolved ? rfc3339_ms(alert.changed_ms)
                                                              : std::string(kNoEnd));
  out += R"(,"generatorURL":"","fingerprint":)";
  append_json_string(out, notice.fingerprint);
  out += R"(}],"truncatedAlerts":0})";
  return out;
}

std::string alertmanager_body(std::span<const AlertmanagerEntry> entries,
                              std::string_view generator_url) {
  std::string out = "[";
  for (const AlertmanagerEntry& entry : entries) {
    const Alert& alert = entry.notice->alert;
    if (out.size() > 1) {
      out.push_back(',');
    }
    out += R"({"labels":)";
    append_labels(out, alert);
    out += R"(,"annotations":)";
    append_annotations(out, alert);
    out += R"(,"startsAt":)";
    append_json_string(out, rfc3339_ms(alert.since_ms));
    out += R"(,"endsAt":)";
    append_json_string(out, rfc3339_ms(entry.ends_ms));
    out += R"(,"generatorURL":)";
    append_json_string(out, generator_url);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace vmpulse::hub
