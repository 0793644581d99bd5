// The alerts' HTTP endpoints and JSON (docs/ws-protocol.md, docs/hub.md) as plain
// functions, so tests call them without sockets or a database:
//   GET /api/alerts[?since=UNIX_SECONDS&limit=N]  {"active":[…],"silences":[…]} and,
//                                                 with since, "history":[…]
//   POST /api/silences {"vm","minutes"|"until","comment"}  201 {silence}
//   DELETE /api/silences/ID  204 (404 unknown);  DELETE /api/silences?vm=PATTERN  204
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alert.hpp"
#include "alert_store.hpp"
#include "history_query.hpp"
#include "messages.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

inline constexpr std::size_t kMaxHistoryRows = 1000;
inline constexpr std::int64_t kMaxHistorySeconds = 30LL * 24 * 3600;
inline constexpr std::int64_t kMaxSilenceMinutes = 43200;  // 30 days
inline constexpr std::size_t kMaxSilenceComment = 255;
inline constexpr std::size_t kMaxSilenceBody = 4096;
// Silences in force at most: every hub reads them each second and sends them to every
// dashboard, so a viewer may not grow that list without bound (POST answers 409).
inline constexpr std::int64_t kMaxSilences = 1000;

// A silence pattern: 1 to 64 of the record's VM name characters [A-Za-z0-9._-] plus * and ?.
bool valid_silence_pattern(std::string_view pattern);

struct AlertsParams {
  std::optional<std::int64_t> since;  // Unix seconds: with history from then on
  std::size_t limit = kMaxHistoryRows;
};
// since: Unix seconds, at most 30 days before `now_s` and not after it; limit 1..1000.
std::variant<AlertsParams, ParamError> parse_alerts_params(const http::Request& request,
                                                           std::int64_t now_s);

// The body of POST /api/silences, checked; until_s resolved against `now_s`.
std::variant<Silence, ParamError> parse_silence(std::string_view body, std::int64_t now_s);

// DELETE /api/silences/ID or /api/silences?vm=PATTERN: one of the two.
struct SilenceDelete {
  std::optional<std::uint64_t> id;
  std::string match;
};
std::variant<SilenceDelete, ParamError> parse_silence_delete(const http::Request& request);

void append_alert(std::string& out, const Alert& alert);
void append_silence(std::string& out, const Silence& silence);
// {"active":[…],"silences":[…]}; an alert's `silenced` is whether a running silence
// matches its VM at `now_s`, so a new silence shows before the evaluator records it.
std::string encode_alerts(const std::vector<Alert>& active, const std::vector<Silence>& silences,
                          std::int64_t now_s);
// `alerts` (an encode_alerts body) with "history":[…] added.
std::string encode_alerts_with_history(std::string_view alerts,
                                       const std::vector<HistoryEntry>& history);

}  // namespace vmpulse::hub
