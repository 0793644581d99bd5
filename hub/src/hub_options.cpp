#include "hub_options.hpp"

#include <charconv>
#include <map>

#include "vmpulse/defaults.hpp"

namespace vmpulse::hub {
namespace {

struct Option {
  std::string_view flag;
  std::string_view env;
};

constexpr Option kOptions[] = {
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

struct Value {
  std::vector<std::string> texts;  // --allow-origin may repeat
  std::string source;
};

std::variant<unsigned long long, std::string> bounded(const Value& v, unsigned long long low,
                                                      unsigned long long high) {
  const std::string& text = v.texts.back();
  unsigned long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < low ||
      n > high) {
    return v.source + ": \"" + text + "\" is not a whole number from " + std::to_string(low) +
           " to " + std::to_string(high);
  }
  return n;
}

std::variant<std::chrono::milliseconds, std::string> duration(const Value& v,
                                                              std::chrono::milliseconds low,
                                                              std::chrono::milliseconds high) {
  auto parsed = parse_duration(v.texts.back());
  if (auto* problem = std::get_if<std::string>(&parsed)) return v.source + ": " + *problem;
  const auto value = std::get<std::chrono::milliseconds>(parsed);
  if (value < low || value > high) {
    return v.source + ": \"" + v.texts.back() + "\" must be from " + std::to_string(low.count()) +
           "ms to " + std::to_string(high.count()) + "ms";
  }
  return value;
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
  std::map<std::string_view, Value> values;
  for (const Option& option : kOptions) {
    if (auto text = env(option.env); text && !text->empty())
      values[option.flag] = {{*text}, std::string(option.env)};
  }
  std::map<std::string_view, bool> from_flag;
  HubOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    std::string text;
    bool has_inline = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      text = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    const Option* option = nullptr;
    for (const Option& candidate : kOptions) {
      if (candidate.flag == arg) option = &candidate;
    }
    if (option == nullptr) return "unknown argument \"" + std::string(arg) + "\" (see --help)";
    if (!has_inline) {
      if (i + 1 >= args.size()) return std::string(arg) + " needs a value";
      text = args[++i];
    }
    Value& value = values[option->flag];
    if (!from_flag[option->flag]) value.texts.clear();  // flags replace the environment
    from_flag[option->flag] = true;
    value.texts.push_back(std::move(text));
    value.source = std::string(arg);
  }

  if (!values.contains("--db"))
    return "no database: give --db mysql://user:pass@host:port/db or VMPULSE_DB_URL";
  {
    const Value& db = values["--db"];
    auto url = parse_db_url(db.texts.back());
    if (auto* problem = std::get_if<std::string>(&url)) return db.source + ": " + *problem;
    options.db = std::get<DbUrl>(url);
  }

  std::string listen = "0.0.0.0:" + std::to_string(defaults::kHubPort);
  std::string listen_source = "default";
  if (values.contains("--listen")) {
    listen = values["--listen"].texts.back();
    listen_source = values["--listen"].source;
  } else if (auto port = env("PORT"); port && !port->empty()) {
    // What Cloud Run and similar platforms set: a port on all interfaces.
    listen = "0.0.0.0:" + *port;
    listen_source = "PORT";
  }
  auto endpoint = parse_endpoint(listen);
  if (auto* problem = std::get_if<std::string>(&endpoint)) return listen_source + ": " + *problem;
  options.listen = std::get<Endpoint>(endpoint);

  options.poll = defaults::kHubPollDuration;
  if (values.contains("--poll")) {
    auto poll = duration(values["--poll"], std::chrono::milliseconds(10),
                         std::chrono::milliseconds(60'000));
    if (auto* problem = std::get_if<std::string>(&poll)) return *problem;
    options.poll = std::get<std::chrono::milliseconds>(poll);
  }
  if (values.contains("--late-window")) {
    auto late = duration(values["--late-window"], std::chrono::milliseconds(100),
                         std::chrono::milliseconds(600'000));
    if (auto* problem = std::get_if<std::string>(&late)) return *problem;
    options.late_window = std::get<std::chrono::milliseconds>(late);
  }
  if (values.contains("--keepalive")) {
    auto keepalive = duration(values["--keepalive"], std::chrono::milliseconds(500),
                              std::chrono::milliseconds(300'000));
    if (auto* problem = std::get_if<std::string>(&keepalive)) return *problem;
    options.keepalive = std::get<std::chrono::milliseconds>(keepalive);
  }
  if (values.contains("--allow-origin")) {
    auto policy = OriginPolicy::parse(values["--allow-origin"].texts);
    if (auto* problem = std::get_if<std::string>(&policy)) return *problem;
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
    if (!values.contains(count.flag)) continue;
    auto n = bounded(values[count.flag], count.low, count.high);
    if (auto* problem = std::get_if<std::string>(&n)) return *problem;
    count.set(std::get<unsigned long long>(n));
  }
  if (values.contains("--log-level")) options.log_level = values["--log-level"].texts.back();
  return options;
}

}  // namespace vmpulse::hub
