#include "hub_options.hpp"

#include <functional>

#include "vmpulse/defaults.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/log.hpp"

namespace vmpulse::hub {
namespace {

constexpr flags::Spec kOptions[] = {
    {"--db", "VMPULSE_DB_URL"},
    {"--listen", "VMPULSE_LISTEN"},
    {"--poll", "VMPULSE_HUB_POLL"},
    {"--late-window", "VMPULSE_HUB_LATE_WINDOW"},
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
    {"--log-level", "VMPULSE_LOG_LEVEL"},
    {"--log-format", "VMPULSE_LOG_FORMAT"},
};

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
      {"--keepalive", std::chrono::milliseconds(500), std::chrono::milliseconds(300'000),
       options.keepalive},
      {"--statement-timeout", std::chrono::milliseconds(100), std::chrono::milliseconds(600'000),
       options.statement_timeout},
      {"--max-raw-span", std::chrono::milliseconds(60'000),
       std::chrono::milliseconds(400LL * 24 * 3600 * 1000), options.max_raw_span},
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
