#include "api_config.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "vmpulse/defaults.hpp"

namespace vmpulse::api {
namespace {

struct Option {
  std::string_view flag;
  std::string_view env;
};

constexpr Option kOptions[] = {
    {"--db", "VMPULSE_DB_URL"},
    {"--token", "VMPULSE_TOKEN"},
    {"--token-file", "VMPULSE_TOKEN_FILE"},
    {"--listen", "VMPULSE_LISTEN"},
    {"--writers", "VMPULSE_API_WRITERS"},
    {"--queue-records", "VMPULSE_API_QUEUE_RECORDS"},
    {"--threads", "VMPULSE_API_THREADS"},
    {"--log-level", "VMPULSE_LOG_LEVEL"},
};

// Where a value came from, for error messages.
struct Value {
  std::string text;
  std::string source;
  bool from_flag = false;
};

std::optional<unsigned long long> parse_count(std::string_view text) {
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::variant<unsigned long long, std::string> bounded(const Value& v, unsigned long long low,
                                                      unsigned long long high) {
  const auto n = parse_count(v.text);
  if (!n || *n < low || *n > high) {
    return v.source + ": \"" + v.text + "\" is not a whole number from " + std::to_string(low) +
           " to " + std::to_string(high);
  }
  return *n;
}

// The token, or nullopt with `error` set.
std::optional<std::string> read_token_file(const Value& v, std::string& error) {
  std::ifstream in(v.text, std::ios::binary);
  if (!in) {
    error = v.source + ": cannot read " + v.text;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) {
    error = v.source + ": " + v.text + " is empty";
    return std::nullopt;
  }
  return token;
}

}  // namespace

std::variant<ApiConfig, std::string> parse_api_config(const std::vector<std::string>& args,
                                                      const EnvLookup& env) {
  std::map<std::string_view, Value> values;  // by flag
  for (const Option& option : kOptions) {
    if (auto text = env(option.env); text && !text->empty()) {
      values[option.flag] = {*text, std::string(option.env)};
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string inline_value;
    bool has_inline = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      inline_value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    const Option* option = nullptr;
    for (const Option& candidate : kOptions) {
      if (candidate.flag == arg) {
        option = &candidate;
      }
    }
    if (option == nullptr) {
      return "unknown argument \"" + std::string(arg) + "\" (see --help)";
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) {
        return std::string(arg) + " needs a value";
      }
      inline_value = args[++i];
    }
    values[option->flag] = {inline_value, std::string(arg), true};
  }

  ApiConfig config;

  if (!values.contains("--db")) {
    return "no database: give --db mysql://user:pass@host:port/db or VMPULSE_DB_URL";
  }
  const Value& db = values["--db"];
  auto url = parse_db_url(db.text);
  // The parser's message may quote the URL; say only where it came from.
  if (auto* problem = std::get_if<std::string>(&url)) {
    return db.source + ": " + *problem;
  }
  config.db = std::get<DbUrl>(url);

  // A token file given as a flag beats a token from the environment.
  const bool file_wins = values.contains("--token-file") && values["--token-file"].from_flag &&
                         !(values.contains("--token") && values["--token"].from_flag);
  if (values.contains("--token") && !file_wins) {
    config.token = values["--token"].text;
  } else if (values.contains("--token-file")) {
    std::string error;
    auto token = read_token_file(values["--token-file"], error);
    if (!token) {
      return error;
    }
    config.token = std::move(*token);
  } else {
    return "no token: give --token, --token-file, VMPULSE_TOKEN or VMPULSE_TOKEN_FILE";
  }

  std::string listen = "0.0.0.0:" + std::to_string(defaults::kApiPort);
  std::string listen_source = "default";
  if (values.contains("--listen")) {
    listen = values["--listen"].text;
    listen_source = values["--listen"].source;
  } else if (auto port = env("PORT"); port && !port->empty()) {
    // PORT is what Cloud Run and Heroku-style platforms set: a port, all interfaces.
    const auto n = parse_count(*port);
    if (!n || *n == 0 || *n > 65535) {
      return "PORT: \"" + *port + "\" is not a port (1-65535)";
    }
    listen = "0.0.0.0:" + *port;
    listen_source = "PORT";
  }
  auto endpoint = parse_endpoint(listen);
  if (auto* problem = std::get_if<std::string>(&endpoint)) {
    return listen_source + ": " + *problem;
  }
  config.listen = std::get<Endpoint>(endpoint);

  if (values.contains("--writers")) {
    auto n = bounded(values["--writers"], 1, 32);
    if (auto* problem = std::get_if<std::string>(&n)) {
      return *problem;
    }
    config.writers = static_cast<unsigned>(std::get<unsigned long long>(n));
  }
  if (values.contains("--queue-records")) {
    // At least one full batch must fit, or a 1,000-record request could never pass.
    auto n = bounded(values["--queue-records"], 1000, 10'000'000);
    if (auto* problem = std::get_if<std::string>(&n)) {
      return *problem;
    }
    config.queue_records = static_cast<std::size_t>(std::get<unsigned long long>(n));
  }
  config.threads = std::max(1u, std::thread::hardware_concurrency());
  if (values.contains("--threads")) {
    auto n = bounded(values["--threads"], 1, 256);
    if (auto* problem = std::get_if<std::string>(&n)) {
      return *problem;
    }
    config.threads = static_cast<unsigned>(std::get<unsigned long long>(n));
  }
  if (values.contains("--log-level")) {
    config.log_level = values["--log-level"].text;
  }
  return config;
}

std::string api_usage() {
  return "usage: vmpulse-api [--db URL] [--token T | --token-file PATH] [--listen HOST:PORT]\n"
         "                   [--writers N] [--queue-records N] [--threads N] [--log-level L]\n"
         "\n"
         "vmpulse ingest route 1: POST /api/metrics, /api/cpp/metrics, /metrics; GET /livez, "
         "/readyz.\n"
         "Every flag has an environment variable (a flag wins):\n"
         "  --db             VMPULSE_DB_URL             mysql://user:pass@host:port/db (required)\n"
         "  --token          VMPULSE_TOKEN              bearer token clients must send\n"
         "  --token-file     VMPULSE_TOKEN_FILE         file holding the token\n"
         "  --listen         VMPULSE_LISTEN or PORT     default 0.0.0.0:" +
         std::to_string(defaults::kApiPort) +
         "\n"
         "  --writers        VMPULSE_API_WRITERS        database connections that write groups "
         "(default 2)\n"
         "  --queue-records  VMPULSE_API_QUEUE_RECORDS  records queued before answering 503 "
         "(default 50000)\n"
         "  --threads        VMPULSE_API_THREADS        HTTP threads (default: CPU count)\n"
         "  --log-level      VMPULSE_LOG_LEVEL          trace, debug, info, warn, error, critical, "
         "off\n";
}

}  // namespace vmpulse::api
