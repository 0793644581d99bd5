// Where the notifier sends alerts: a webhook URL (--alert-webhook) or an Alertmanager
// (--alertmanager), checked once at start. A webhook URL often carries a secret (Slack
// puts its token in the path, others in the query), so the URL is never logged nor
// stored: logs show `redacted`, alertas_envios keys the destination's cursor by `key`.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "vmpulse/http_url.hpp"

namespace vmpulse::hub {

enum class DestinationKind { webhook, alertmanager };

struct AlertDestination {
  DestinationKind kind = DestinationKind::webhook;
  std::string url;       // as given; an Alertmanager's is its base URL
  HttpUrl target;        // where the POSTs go (an Alertmanager's /api/v2/alerts)
  std::string key;       // SHA-256 of `url`, 64 lower-case hex digits
  std::string redacted;  // "https://host:port/… #1a2b3c4d": for logs
};

// `url` checked: http(s), no credentials, https unless the host is loopback (the
// alert's content and the URL's secret stay off the wire in clear text); for an
// Alertmanager no query either, since /api/v2/alerts is appended to its path. The
// error names `source` (the flag or variable) and shows only the redacted URL.
std::variant<AlertDestination, std::string> parse_alert_destination(DestinationKind kind,
                                                                    std::string_view url,
                                                                    std::string_view source);

// SHA-256 of `text` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

// "scheme://host[:port]/… #" and the first 8 hex digits of the URL's SHA-256: enough to
// tell destinations apart in a log, nothing of a path, query or credentials.
std::string redact_url(std::string_view url);

}  // namespace vmpulse::hub
