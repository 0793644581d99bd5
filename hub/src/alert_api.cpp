#include "alert_api.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;
namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

ParamError invalid(std::string detail) { return {"bad_request", std::move(detail)}; }

void append_number(std::string& out, const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) {
    out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", *value);
  out += buf;
}

void append_time(std::string& out, std::int64_t ms) {
  append_json_string(out, format_utc(ms / 1000));
}

}  // namespace

bool valid_silence_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.size() > 64) {
    return false;
  }
  for (const char c : pattern) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '*' || c == '?';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::variant<AlertsParams, ParamError> parse_alerts_params(const http::Request& request,
                                                           std::int64_t now_s) {
  AlertsParams params;
  if (const auto since = request.query_param("since")) {
    const auto value = parse_integer(*since);
    if (!value || *value < now_s - kMaxHistorySeconds || *value > now_s) {
      return invalid("since: Unix seconds, at most 30 days back and not in the future");
    }
    params.since = *value;
  }
  if (const auto limit = request.query_param("limit")) {
    const auto value = parse_integer(*limit);
    if (!value || *value < 1 || *value > static_cast<std::int64_t>(kMaxHistoryRows)) {
      return invalid("limit: 1 to 1000");
    }
    params.limit = static_cast<std::size_t>(*value);
  }
  return params;
}

std::variant<Silence, ParamError> parse_silence(std::string_view body, std::int64_t now_s) {
  if (body.size() > kMaxSilenceBody) {
    return invalid("the body is larger than 4096 bytes");
  }
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return invalid(R"(send a JSON object {"vm":…,"minutes":…|"until":…,"comment":…})");
  }
  for (const auto& [key, value] : json.items()) {
    if (key != "vm" && key != "minutes" && key != "until" && key != "comment") {
      return invalid("unknown field: " + key);
    }
  }
  Silence silence;
  const auto vm = json.find("vm");
  if (vm == json.end() || !vm->is_string() ||
      !valid_silence_pattern(vm->get_ref<const std::string&>())) {
    return invalid("vm: a VM name or a pattern with * and ?, 1 to 64 of [A-Za-z0-9._-*?]");
  }
  silence.match = vm->get<std::string>();
  const auto minutes = json.find("minutes");
  const auto until = json.find("until");
  if ((minutes == json.end()) == (until == json.end())) {
    return invalid("give either minutes or until");
  }
  if (minutes != json.end()) {
    if (!minutes->is_number_integer() || minutes->get<std::int64_t>() < 1 ||
        minutes->get<std::int64_t>() > kMaxSilenceMinutes) {
      return invalid("minutes: a whole number from 1 to 43200");
    }
    silence.until_s = now_s + minutes->get<std::int64_t>() * 60;
  } else {
    const auto when =
        until->is_string() ? parse_time(until->get_ref<const std::string&>()) : std::nullopt;
    if (!when || until->get_ref<const std::string&>().size() != 19 || *when <= now_s ||
        *when > now_s + kMaxSilenceMinutes * 60) {
      return invalid("until: \"YYYY-MM-DD HH:MM:SS\" UTC, in the next 30 days");
    }
    silence.until_s = *when;
  }
  if (const auto comment = json.find("comment"); comment != json.end()) {
    if (!comment->is_string() ||
        comment->get_ref<const std::string&>().size() > kMaxSilenceComment) {
      return invalid("comment: a string of at most 255 bytes");
    }
    silence.comment = comment->get<std::string>();
  }
  return silence;
}

std::variant<SilenceDelete, ParamError> parse_silence_delete(const http::Request& request) {
  constexpr std::string_view kPrefix = "/api/silences/";
  SilenceDelete target;
  if (request.path.starts_with(kPrefix)) {
    const auto id = parse_integer(std::string_view(request.path).substr(kPrefix.size()));
    if (!id || *id < 1) {
      return invalid("the silence id: a positive whole number");
    }
    target.id = static_cast<std::uint64_t>(*id);
    return target;
  }
  const auto vm = request.query_param("vm");
  if (!vm || !valid_silence_pattern(*vm)) {
    return invalid("DELETE /api/silences/ID, or /api/silences?vm=PATTERN");
  }
  target.match = *vm;
  return target;
}

void append_alert(std::string& out, const Alert& alert) {
  out += "{\"rule\":";
  append_json_string(out, alert.rule);
  out += ",\"vm\":";
  append_json_string(out, alert.vm);
  out += ",\"severity\":";
  append_json_string(out, to_string(alert.severity));
  out += ",\"state\":";
  append_json_string(out, to_string(alert.state));
  out += ",\"value\":";
  append_number(out, alert.value);
  out += ",\"threshold\":";
  append_number(out, alert.threshold);
  out += ",\"since\":";
  append_time(out, alert.since_ms);
  out += ",\"changed\":";
  append_time(out, alert.changed_ms);
  out += ",\"summary\":";
  append_json_string(out, alert.summary);
  out += ",\"silenced\":";
  out += alert.silenced ? "true" : "false";
  out += ",\"fingerprint\":";
  append_json_string(out, alert.fingerprint());
  out += '}';
}

void append_silence(std::string& out, const Silence& silence) {
  out += "{\"id\":";
  out += std::to_string(silence.id);
  out += ",\"match\":";
  append_json_string(out, silence.match);
  out += ",\"until\":";
  append_json_string(out, format_utc(silence.until_s));
  out += ",\"comment\":";
  append_json_string(out, silence.comment);
  out += ",\"created\":";
  append_json_string(out, format_utc(silence.created_s));
  out += '}';
}

std::string encode_alerts(const std::vector<Alert>& active, const std::vector<Silence>& silences,
                          std::int64_t now_s) {
  std::string out = "{\"active\":[";
  for (std::size_t i = 0; i < active.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    Alert shown = active[i];
    shown.silenced = is_silenced(silences, shown.vm, now_s);
    append_alert(out, shown);
  }
  out += "],\"silences\":[";
  for (std::size_t i = 0; i < silences.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    append_silence(out, silences[i]);
  }
  out += "]}";
  return out;
}

std::string encode_alerts_with_history(std::string_view alerts,
                                       const std::vector<HistoryEntry>& history) {
  std::string out(alerts.substr(0, alerts.size() - 1));  // reopen the object
  out += ",\"history\":[";
  for (std::size_t i = 0; i < history.size(); ++i) {
    const HistoryEntry& entry = history[i];
    const Alert& alert = entry.alert;
    if (i > 0) {
      out += ',';
    }
    out += "{\"id\":";
    out += std::to_string(entry.id);
    out += ",\"rule\":";
    append_json_string(out, alert.rule);
    out += ",\"vm\":";
    append_json_string(out, alert.vm);
    out += ",\"severity\":";
    append_json_string(out, to_string(alert.severity));
    out += ",\"state\":";
    append_json_string(out, to_string(alert.state));
    out += ",\"from\":";
    if (entry.from) {
      append_json_string(out, to_string(*entry.from));
    } else {
      out += "null";
    }
    out += ",\"value\":";
    append_number(out, alert.value);
    out += ",\"threshold\":";
    append_number(out, alert.threshold);
    out += ",\"since\":";
    append_time(out, alert.since_ms);
    out += ",\"at\":";
    append_time(out, alert.changed_ms);
    out += ",\"summary\":";
    append_json_string(out, alert.summary);
    out += ",\"silenced\":";
    out += alert.silenced ? "true" : "false";
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace vmpulse::hub
