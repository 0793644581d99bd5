#include "hub_options.hpp"

#include <functional>

#include "vmpulse/defaults.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/log.hpp"
#include "vmpulse/tls_context.hpp"

namespace vmpulse::hub {
namespace {

constexpr flags::Spec kOptions[] = {
    {"--db", "VMPULSE_DB_URL"},
    {"--listen", "VMPULSE_LISTEN"},
    {"--poll", "VMPULSE_HUB_POLL"},
    {"--late-window", "VMPULSE_HUB_LATE_WINDOW"},
    {"--fleet-interval", "VMPULSE_HUB_FLEET_INTERVAL"},
    {"--allow-origin", "VMPULSE_HUB_ALLOW_ORIGIN"},
    {"--max-clients", "VMPULSE_HUB_MAX_CLIENTS"},
    {"--queue-messages", "VMPULSE_HUB_QUEUE_MESSAGES"},
    {"--keepalive", "VMPULSE_HUB_KEEPALIVE"},
    {"--threads", "VMPULSE_HUB_THREADS"},
    {"--viewer-token-file", "VMPULSE_VIEWER_TOKEN_FILE"},
    {"--reads", "VMPULSE_HUB_READS"},
    {"--max-per-address", "VMPULSE_HUB_MAX_PER_ADDRESS"},
    {"--trusted-proxy", "VMPULSE_HUB_TRUSTED_PROXY"},
    {"--max-pending-snapshots", "VMPULSE_HUB_MAX_PENDING_SNAPSHOTS"},
    {"--statement-timeout", "VMPULSE_HUB_STATEMENT_TIMEOUT"},
    {"--max-raw-span", "VMPULSE_HUB_MAX_RAW_SPAN"},
    {"--raw-days", "VMPULSE_RETENTION_RAW_DAYS"},
    {"--minute-days", "VMPULSE_RETENTION_MINUTE_DAYS"},
    {"--hour-days", "VMPULSE_RETENTION_HOUR_DAYS"},
    {"--partitions-ahead", "VMPULSE_PARTITIONS_AHEAD"},
    {"--retention-every", "VMPULSE_HUB_RETENTION_EVERY"},
    {"--alerts", "VMPULSE_ALERTS_FILE"},
    {"--alert-webhook", "VMPULSE_ALERT_WEBHOOK"},
    {"--alertmanager", "VMPULSE_ALERTMANAGER_URL"},
    {"--alertmanager-resend", "VMPULSE_ALERTMANAGER_RESEND"},
    {"--alert-ca-file", "VMPULSE_ALERT_CA_FILE"},
    {"--log-level", "VMPULSE_LOG_LEVEL"},
    {"--log-format", "VMPULSE_LOG_FORMAT"},
};

// Items of a list option: split at commas and, for the notification URLs (which hold
// neither), at spaces too.
std::vector<std::string_view> split_list(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const auto end = text.find_first_of(separators);
    std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    items.push_back(item);
  }
  return items;
}

std::optional<std::string> parse_alert_options(const flags::Parsed& parsed, HubOptions& options) {
  if (const flags::Value* hooks = parsed.find("--alert-webhook")) {
    for (const std::string& text : hooks->texts) {
      for (const std::string_view url : split_list(text, ", \t")) {
        if (url.empty()) {
          continue;
        }
        auto destination = parse_alert_destination(DestinationKind::webhook, url, hooks->source);
        if (auto* problem = std::get_if<std::string>(&destination)) {
          return *problem;
        }
        auto& checked = std::get<AlertDestination>(destination);
        for (const AlertDestination& earlier : options.alert_destinations) {
          if (earlier.key == checked.key) {
            return hooks->source + " " + checked.redacted + ": given twice";
          }
        }
        options.alert_destinations.push_back(std::move(checked));
      }
    }
  }
  if (const flags::Value* manager = parsed.find("--alertmanager")) {
    auto destination =
        parse_alert_destination(DestinationKind::alertmanager, manager->text(), manager->source);
    if (auto* problem = std::get_if<std::string>(&destination)) {
      return *problem;
    }
    options.alert_destinations.push_back(std::get<AlertDestination>(std::move(destination)));
  }
  options.alertmanager_resend = defaults::kAlertmanagerResendDuration;
  if (const flags::Value* resend = parsed.find("--alertmanager-resend")) {
    auto value = flags::duration(*resend, std::chrono::milliseconds(1000),
                                 std::chrono::milliseconds(3'600'000));
    if (auto* problem = std::get_if<std::string>(&value)) {
      return *problem;
    }
    options.alertmanager_resend = std::get<std::chrono::milliseconds>(value);
  }
  if (const flags::Value* ca = parsed.find("--alert-ca-file")) {
    options.alert_ca_file = ca->text();
    // Loaded once here so a wrong file stops the start, not the first notification.
    TlsFiles files;
    files.ca_file = options.alert_ca_file;
    files.ca_flag = ca->source;
    auto context = make_tls_context(files);
    if (auto* problem = std::get_if<std::string>(&context)) {
      return *problem;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string hub_usage() {
  return "usage: vmpulse-hub --db mysql://user:pass@host:port/db [options]\n"
         "  --listen HOST:PORT     where to serve /ws and /api (VMPULSE_LISTEN; default 0.0.0.0:" +
         std::to_string(defaults::kHubPort) +
         ")\n"
         "  --poll DURATION        how often to read new rows (VMPULSE_HUB_POLL; default " +
         std::string(defaults::kHubPoll) +
         ")\n"
         "  --late-window DURATION how long a gap in row ids is waited for (default 10s)\n"
         "  --fleet-interval DUR   fleet messages (every VM's changed summary) at most this\n"
         "                         often (VMPULSE_HUB_FLEET_INTERVAL; default " +
         std::string(defaults::kHubFleetInterval) +
         ")\n"
         "  --allow-origin ORIGIN  browser origins allowed on /ws and /api (CORS), repeated or\n"
         "                         comma separated; * allows all\n"
         "                         (default: same host and localhost)\n"
         "  --max-clients N        WebSocket clients at most (default 20000)\n"
         "  --queue-messages N     per-client backlog before a resync (default 64)\n"
         "  --keepalive DURATION   ping a silent client after this, drop it after twice (default "
         "20s)\n"
         "  --threads N            io threads (default 1)\n"
         "  --viewer-token-file F  viewer tokens, one a line (VMPULSE_VIEWER_TOKEN_FILE); every\n"
         "                         read needs one or its session cookie; reloaded on SIGHUP\n"
         "  --reads token|open     open: no viewer check, only behind a proxy that checks\n"
         "                         viewers (Identity-Aware Proxy); default token\n"
         "  --max-per-address N    /ws clients per client address (default 64)\n"
         "  --trusted-proxy ADDR   a proxy whose X-Forwarded-For names the client (repeated)\n"
         "  --max-pending-snapshots N  snapshot requests waiting at most (default 4096)\n"
         "  --statement-timeout D  longest history or split query (default 10s)\n"
         "  --max-raw-span D       longest history span read from raw rows (default 48h)\n"
         "  --raw-days N           days of raw rows kept (VMPULSE_RETENTION_RAW_DAYS; default " +
         std::to_string(defaults::kRetentionRawDays) +
         ")\n"
         "  --minute-days N        days of the per-minute rollup kept (default " +
         std::to_string(defaults::kRetentionMinuteDays) +
         ")\n"
         "  --hour-days N          days of the per-hour rollup kept (default " +
         std::to_string(defaults::kRetentionHourDays) +
         ")\n"
         "  --partitions-ahead N   days of metricas partitions made ahead (default " +
         std::to_string(defaults::kPartitionsAhead) +
         ")\n"
         "  --retention-every D    how often retention runs (default 10m; docs/storage.md)\n"
         "  --alerts FILE|off      alert rules file (VMPULSE_ALERTS_FILE; docs/alerts.md),\n"
         "                         checked at start; default off\n"
         "  --alert-webhook URL    POST each alert change there, in Alertmanager's webhook\n"
         "                         format (VMPULSE_ALERT_WEBHOOK, several separated by spaces\n"
         "                         or commas); repeated; https unless to this machine\n"
         "  --alertmanager URL     push alerts to this Alertmanager (VMPULSE_ALERTMANAGER_URL)\n"
         "  --alertmanager-resend D  re-send firing alerts to it this often (default " +
         std::string(defaults::kAlertmanagerResend) +
         ")\n"
         "  --alert-ca-file FILE   PEM CAs to trust for the alert destinations (default: the\n"
         "                         system's; VMPULSE_ALERT_CA_FILE)\n"
         "  --log-level LEVEL      trace, debug, info, warn, error, critical, off\n"
         "  --log-format FORMAT    text (default) or json, one object a line (VMPULSE_LOG_FORMAT)\n"
         "GET /metrics answers Prometheus text without a viewer credential, like /livez.\n";
}

std::variant<HubOptions, std::string> parse_hub_options(const std::vector<std::string>& args,
                                                        const EnvLookup& env) {
  auto collected = flags::collect(kOptions, args, env);
  if (auto* problem = std::get_if<std::string>(&collected)) {
    return *problem;
  }
  const auto& parsed = std::get<flags::Parsed>(collected);
  HubOptions options;
  if (parsed.help) {
    options.help = true;
    return options;
  }

  auto db = flags::db_url(parsed);
  if (auto* problem = std::get_if<std::string>(&db)) {
    return *problem;
  }
  options.db = std::get<DbUrl>(db);

  auto endpoint = flags::listen(parsed, env, defaults::kHubPort);
  if (auto* problem = std::get_if<std::string>(&endpoint)) {
    return *problem;
  }
  options.listen = std::get<Endpoint>(endpoint);

  options.poll = defaults::kHubPollDuration;
  struct Duration {
    std::string_view flag;
    std::chrono::milliseconds low, high;
    std::chrono::milliseconds& target;
  };
  const Duration durations[] = {
      {"--poll", std::chrono::milliseconds(10), std::chrono::milliseconds(60'000), options.poll},
      {"--late-window", std::chrono::milliseconds(100), std::chrono::milliseconds(600'000),
       options.late_window},
      {"--fleet-interval", std::chrono::milliseconds(100), std::chrono::milliseconds(60'000),
       options.fleet_interval},
      {"--keepalive", std::chrono::milliseconds(500), std::chrono::milliseconds(300'000),
       options.keepalive},
      {"--statement-timeout", std::chrono::milliseconds(100), std::chrono::milliseconds(600'000),
       options.statement_timeout},
      {"--max-raw-span", std::chrono::milliseconds(60'000),
       std::chrono::milliseconds(400LL * 24 * 3600 * 1000), options.max_raw_span},
      {"--retention-every", std::chrono::milliseconds(1000), std::chrono::milliseconds(86'400'000),
       options.retention_every},
  };
  for (const Duration& d : durations) {
    const flags::Value* given = parsed.find(d.flag);
    if (given == nullptr) {
      continue;
    }
    auto value = flags::duration(*given, d.low, d.high);
    if (auto* problem = std::get_if<std::string>(&value)) {
      return *problem;
    }
    d.target = std::get<std::chrono::milliseconds>(value);
  }
  if (const flags::Value* origins = parsed.find("--allow-origin")) {
    auto policy = OriginPolicy::parse(origins->texts);
    if (auto* problem = std::get_if<std::string>(&policy)) {
      return *problem;
    }
    options.origins = std::get<OriginPolicy>(policy);
  }
  struct Count {
    std::string_view flag;
    unsigned long long low, high;
    std::function<void(unsigned long long)> set;
  };
  const Count counts[] = {
      {"--max-clients", 1, 1'000'000, [&](auto n) { options.max_clients = n; }},
      {"--queue-messages", 2, 100'000, [&](auto n) { options.queue_messages = n; }},
      {"--threads", 1, 64, [&](auto n) { options.threads = static_cast<unsigned>(n); }},
      {"--max-per-address", 1, 1'000'000, [&](auto n) { options.max_per_address = n; }},
      {"--max-pending-snapshots", 1, 1'000'000, [&](auto n) { options.max_pending_snapshots = n; }},
      {"--raw-days", 1, 36'500, [&](auto n) { options.raw_days = static_cast<int>(n); }},
      {"--minute-days", 1, 36'500, [&](auto n) { options.minute_days = static_cast<int>(n); }},
      {"--hour-days", 1, 36'500, [&](auto n) { options.hour_days = static_cast<int>(n); }},
      {"--partitions-ahead", 1, 60,
       [&](auto n) { options.partitions_ahead = static_cast<int>(n); }},
  };
  for (const Count& count : counts) {
    const flags::Value* given = parsed.find(count.flag);
    if (given == nullptr) {
      continue;
    }
    auto n = flags::count(*given, count.low, count.high);
    if (auto* problem = std::get_if<std::string>(&n)) {
      return *problem;
    }
    count.set(std::get<unsigned long long>(n));
  }
  // History picks the finest tier that still holds the span's start (history_tier.hpp):
  // a coarser tier kept for less time would leave a hole.
  if (options.raw_days > options.minute_days || options.minute_days > options.hour_days) {
    return "retention must not shrink from tier to tier: --raw-days (" +
           std::to_string(options.raw_days) + ") <= --minute-days (" +
           std::to_string(options.minute_days) + ") <= --hour-days (" +
           std::to_string(options.hour_days) + ")";
  }
  if (const flags::Value* file = parsed.find("--viewer-token-file")) {
    options.viewer_token_file = file->text();
  }
  if (const flags::Value* reads = parsed.find("--reads")) {
    if (reads->text() != "token" && reads->text() != "open") {
      return reads->source + " must be token or open";
    }
    options.open_reads = reads->text() == "open";
  }
  if (const flags::Value* proxies = parsed.find("--trusted-proxy")) {
    for (const std::string& text : proxies->texts) {
      std::string_view rest = text;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') {
          item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
          item.remove_suffix(1);
        }
        if (item.empty() ||
            item.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
          return proxies->source + " must list IP addresses";
        }
        options.trusted_proxies.emplace_back(item);
      }
    }
  }
  if (const flags::Value* alerts = parsed.find("--alerts"); alerts && alerts->text() != "off") {
    auto rules = load_alert_rules(alerts->text());
    if (auto* problem = std::get_if<std::string>(&rules)) {
      return *problem;
    }
    options.alerts = std::get<AlertRules>(std::move(rules));
    options.alerts_file = alerts->text();
  }
  if (auto problem = parse_alert_options(parsed, options)) {
    return *problem;
  }
  if (const flags::Value* level = parsed.find("--log-level")) {
    options.log_level = level->text();
  }
  if (const flags::Value* format = parsed.find("--log-format")) {
    if (!is_log_format(format->text())) {
      return format->source + ": \"" + format->text() + "\" is not a log format (text or json)";
    }
    options.log_format = format->text();
  }
  return options;
}

std::optional<std::string> viewer_auth_problem(const HubOptions& options) {
  if (options.open_reads && !options.viewer_token_file.empty()) {
    return "--reads open and --viewer-token-file contradict each other; give one";
  }
  if (!options.open_reads && options.viewer_token_file.empty()) {
    return "every read needs a viewer credential: give --viewer-token-file (or "
           "VMPULSE_VIEWER_TOKEN_FILE), or --reads open behind a proxy that checks viewers";
  }
  return std::nullopt;
}

}  // namespace vmpulse::hub
