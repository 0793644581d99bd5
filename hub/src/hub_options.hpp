// vmpulse-hub's configuration from flags and environment alike (a flag wins over its
// variable). Pure apart from reading the alert rules file; thread-safe.
//
//   --db URL              VMPULSE_DB_URL           mysql://user:pass@host:port/db (required)
//   --listen HOST:PORT    VMPULSE_LISTEN, PORT     default 0.0.0.0:VMPULSE_HUB_PORT (8081)
//   --poll DURATION       VMPULSE_HUB_POLL         default 250ms
//   --late-window DUR     VMPULSE_HUB_LATE_WINDOW  how long an id gap is waited for (10s)
//   --fleet-interval DUR  VMPULSE_HUB_FLEET_INTERVAL `fleet` messages at most this often (1s)
//   --allow-origin O      VMPULSE_HUB_ALLOW_ORIGIN for /ws and CORS on /api; repeated or
//                                                  comma separated; * for all
//   --max-clients N       VMPULSE_HUB_MAX_CLIENTS  default 20000
//   --queue-messages N    VMPULSE_HUB_QUEUE_MESSAGES  per-client backlog before resync (64)
//   --keepalive DURATION  VMPULSE_HUB_KEEPALIVE    ping after this much silence, drop after twice
//   (20s)
//   --threads N           VMPULSE_HUB_THREADS      io threads (default 1)
//   --viewer-token-file F VMPULSE_VIEWER_TOKEN_FILE who may read (viewer_auth.hpp); required
//                                                  unless --reads open
//   --reads token|open    VMPULSE_HUB_READS        open: no viewer check (only behind a proxy
//                                                  that checks viewers, such as IAP)
//   --max-per-address N   VMPULSE_HUB_MAX_PER_ADDRESS  /ws clients per client address (64)
//   --trusted-proxy A     VMPULSE_HUB_TRUSTED_PROXY peers whose X-Forwarded-For names the
//                                                  client (repeated or comma separated)
//   --max-pending-snapshots N VMPULSE_HUB_MAX_PENDING_SNAPSHOTS snapshot requests waiting (4096)
//   --statement-timeout D VMPULSE_HUB_STATEMENT_TIMEOUT history/split queries at most (10s)
//   --max-raw-span D      VMPULSE_HUB_MAX_RAW_SPAN history spans answered from raw rows (48h)
//   --raw-days N          VMPULSE_RETENTION_RAW_DAYS    days of raw rows kept (7)
//   --minute-days N       VMPULSE_RETENTION_MINUTE_DAYS days of the per-minute rollup (90)
//   --hour-days N         VMPULSE_RETENTION_HOUR_DAYS   days of the per-hour rollup (730)
//   --partitions-ahead N  VMPULSE_PARTITIONS_AHEAD      days of partitions made ahead (3)
//   --retention-every D   VMPULSE_HUB_RETENTION_EVERY   how often retention runs (10m)
//   --alerts FILE|off     VMPULSE_ALERTS_FILE      the alert rules (docs/alerts.md), read and
//                                                  checked here; default off
//   --alert-webhook URL   VMPULSE_ALERT_WEBHOOK    a POST per alert change (Alertmanager's
//                                                  webhook v4); repeated, or several in
//                                                  the variable separated by spaces or commas
//   --alertmanager URL    VMPULSE_ALERTMANAGER_URL alerts pushed to its /api/v2/alerts
//   --alertmanager-resend D VMPULSE_ALERTMANAGER_RESEND firing alerts re-sent this often (60s)
//   --alert-ca-file F     VMPULSE_ALERT_CA_FILE    CAs for https destinations (default: system)
//   --log-level L         VMPULSE_LOG_LEVEL
//   --log-format F        VMPULSE_LOG_FORMAT       text or json (log.hpp)
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alert_destination.hpp"
#include "alert_rules.hpp"
#include "origin_policy.hpp"
#include "vmpulse/config.hpp"
#include "vmpulse/defaults.hpp"
#include "vmpulse/flags.hpp"

namespace vmpulse::hub {

struct HubOptions {
  DbUrl db;
  Endpoint listen;
  std::chrono::milliseconds poll{250};
  std::chrono::milliseconds late_window{10'000};
  std::chrono::milliseconds fleet_interval = defaults::kHubFleetIntervalDuration;
  OriginPolicy origins;
  std::size_t max_clients = 20'000;
  std::size_t queue_messages = 64;
  std::chrono::milliseconds keepalive{20'000};
  unsigned threads = 1;
  std::string viewer_token_file;
  bool open_reads = false;
  std::size_t max_per_address = 64;
  std::vector<std::string> trusted_proxies;
  std::size_t max_pending_snapshots = 4096;
  std::chrono::milliseconds statement_timeout{10'000};
  std::chrono::milliseconds max_raw_span{2LL * 24 * 3600 * 1000};
  // Retention (retention.hpp); defaults from config/defaults.env.
  int raw_days = static_cast<int>(defaults::kRetentionRawDays);
  int minute_days = static_cast<int>(defaults::kRetentionMinuteDays);
  int hour_days = static_cast<int>(defaults::kRetentionHourDays);
  int partitions_ahead = static_cast<int>(defaults::kPartitionsAhead);
  std::chrono::milliseconds retention_every{600'000};
  // The parsed rules file; nullopt: alerts off (not given, or "off").
  std::optional<AlertRules> alerts;
  std::string alerts_file;
  std::vector<AlertDestination> alert_destinations;  // webhooks, then the Alertmanager
  std::chrono::milliseconds alertmanager_resend{60'000};
  std::string alert_ca_file;
  std::string log_level;
  std::string log_format;  // empty: init_logging's default
  bool help = false;
};

using flags::EnvLookup;

// `args` excludes the program name. Error text names the flag or variable at fault and
// never repeats a database URL (it holds the password); a bad rules file's error is
// "<file>:<line>: <field>: <problem>".
std::variant<HubOptions, std::string> parse_hub_options(const std::vector<std::string>& args,
                                                        const EnvLookup& env);

std::string hub_usage();

// Why the hub may not start with `options` as to viewers (no token file and reads not
// explicitly open), or nullopt.
std::optional<std::string> viewer_auth_problem(const HubOptions& options);

}  // namespace vmpulse::hub
