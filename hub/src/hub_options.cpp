#include "hub_options.hpp"

#include <functional>

#include "vmpulse/defaults.hpp"
#include "vmpulse/flags.hpp"

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
    {"--log-level", "VMPULSE_LOG_LEVEL"},
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
         "  --log-level LEVEL      trace, debug, info, warn, error, critical, off\n";
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
  if (const flags::Value* level = parsed.find("--log-level")) {
    options.log_level = level->text();
  }
  return options;
}

}  // namespace vmpulse::hub
