// What the notifier sends, as JSON text: Alertmanager's webhook payload (version 4) for
// one state change, so that existing webhook receivers work unchanged, and the body of
// Alertmanager's own POST /api/v2/alerts (docs/alerts.md, "Notifications"). Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "alert.hpp"

namespace vmpulse::hub {

// One notifiable state change as the outbox (alertas_historial) holds it: the alert in
// its new state (firing, or resolved with changed_ms its end) and its fingerprint as
// stored (huella), so that every hub and every restart sends the same one.
struct AlertNotice {
  Alert alert;
  std::string fingerprint;
};

// Unix milliseconds as RFC 3339 UTC with milliseconds: "2026-12-05T06:01:02.345Z".
std::string rfc3339_ms(std::int64_t unix_ms);

// Alertmanager's "no end": the zero time of Go, which webhook v4 sends for a firing alert.
inline constexpr std::string_view kNoEnd = "0001-01-01T00:00:00Z";

// {"version":"4","groupKey":…,"status":"firing"|"resolved","receiver":"vmpulse",
//  "groupLabels":{"alertname":…},"commonLabels":…,"commonAnnotations":…,
//  "externalURL":…,"alerts":[one alert],"truncatedAlerts":0}. Labels: alertname, vm,
// severity; annotations: summary, and value and threshold when the rule has them.
std::string webhook_payload(const AlertNotice& notice, std::string_view external_url);

// One entry of a POST /api/v2/alerts body: the alert's labels and annotations,
// startsAt, and endsAt = `ends_ms` (the resolve time, or for a firing alert a time a
// few re-sends ahead, after which Alertmanager resolves it by itself if vmpulse stops).
struct AlertmanagerEntry {
  const AlertNotice* notice = nullptr;
  std::int64_t ends_ms = 0;
};

// [{"labels":…,"annotations":…,"startsAt":…,"endsAt":…,"generatorURL":…},…]
std::string alertmanager_body(std::span<const AlertmanagerEntry> entries,
                              std::string_view generator_url);

}  // namespace vmpulse::hub
