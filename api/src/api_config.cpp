#include "api_config.hpp"

#include <algorithm>
#include <thread>

#include "vmpulse/defaults.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/log.hpp"

namespace vmpulse::api {
namespace {

constexpr flags::Spec kOptions[] = {
    {"--db", "VMPULSE_DB_URL"},
    {"--token", "VMPULSE_TOKEN"},
    {"--token-file", "VMPULSE_TOKEN_FILE"},
    {"--listen", "VMPULSE_LISTEN"},
    {"--writers", "VMPULSE_API_WRITERS"},
    {"--bulk-insert", "VMPULSE_API_BULK_INSERT"},
    {"--queue-records", "VMPULSE_API_QUEUE_RECORDS"},
    {"--threads", "VMPULSE_API_THREADS"},
    {"--body-bytes-in-flight", "VMPULSE_BODY_BYTES_IN_FLIGHT"},
    {"--log-level", "VMPULSE_LOG_LEVEL"},
    {"--log-format", "VMPULSE_LOG_FORMAT"},
    {"--metrics", "VMPULSE_METRICS"},
};

}  // namespace

std::variant<ApiConfig, std::string> parse_api_config(const std::vector<std::string>& args,
                                                      const EnvLookup& env) {
  auto collected = flags::collect(kOptions, args, env);
  if (auto* problem = std::get_if<std::string>(&collected)) {
    return *problem;
  }
  const auto& parsed = std::get<flags::Parsed>(collected);
  ApiConfig config;
  if (parsed.help) {
    config.help = true;
    return config;
  }

  auto db = flags::db_url(parsed);
  if (auto* problem = std::get_if<std::string>(&db)) {
    return *problem;
  }
  config.db = std::get<DbUrl>(db);

  // A token file given as a flag beats a token from the environment.
  const flags::Value* token = parsed.find("--token");
  const flags::Value* token_file = parsed.find("--token-file");
  const bool file_wins =
      token_file != nullptr && token_file->from_flag && !(token != nullptr && token->from_flag);
  if (token != nullptr && !file_wins) {
    if (token->text().empty()) {
      return token->source + ": the token is empty";
    }
    config.tokens = secret::TokenSet({token->text()});
  } else if (token_file != nullptr) {
    auto loaded = secret::load_token_file(token_file->text());
    if (auto* problem = std::get_if<std::string>(&loaded)) {
      return token_file->source + ": " + *problem;
    }
    config.tokens = std::move(std::get<secret::TokenSet>(loaded));
    config.token_file = token_file->text();
  } else {
    return "no token: give --token, --token-file, VMPULSE_TOKEN or VMPULSE_TOKEN_FILE";
  }

  auto endpoint = flags::listen(parsed, env, defaults::kApiPort);
  if (auto* problem = std::get_if<std::string>(&endpoint)) {
    return *problem;
  }
  config.listen = std::get<Endpoint>(endpoint);

  config.threads = std::max(1u, std::thread::hardware_concurrency());
  config.body_bytes_in_flight = static_cast<std::size_t>(defaults::kBodyBytesInFlight);
  struct Count {
    std::string_view flag;
    unsigned long long low, high;
    std::function<void(unsigned long long)> set;
  };
  const Count counts[] = {
      {"--writers", 1, 32, [&](auto n) { config.writers = static_cast<unsigned>(n); }},
      // At least one full batch must fit, or a 1,000-record request could never pass.
      {"--queue-records", 1000, 10'000'000,
       [&](auto n) { config.queue_records = static_cast<std::size_t>(n); }},
      {"--threads", 1, 256, [&](auto n) { config.threads = static_cast<unsigned>(n); }},
      // At least one body of the contract's largest size must fit.
      {"--body-bytes-in-flight", std::size_t{1024} * 1024, std::size_t{1} << 40,
       [&](auto n) { config.body_bytes_in_flight = static_cast<std::size_t>(n); }},
  };
  for (const Count& c : counts) {
    if (const flags::Value* given = parsed.find(c.flag)) {
      auto n = flags::count(*given, c.low, c.high);
      if (auto* problem = std::get_if<std::string>(&n)) {
        return *problem;
      }
      c.set(std::get<unsigned long long>(n));
    }
  }
  if (const flags::Value* level = parsed.find("--log-level")) {
    config.log_level = level->text();
  }
  if (const flags::Value* format = parsed.find("--log-format")) {
    if (!is_log_format(format->text())) {
      return format->source + ": \"" + format->text() + "\" is not a log format (text or json)";
    }
    config.log_format = format->text();
  }
  if (const flags::Value* bulk = parsed.find("--bulk-insert")) {
    if (bulk->text() != "on" && bulk->text() != "off") {
      return bulk->source + ": \"" + bulk->text() + "\" is not on or off";
    }
    config.bulk_insert = bulk->text() == "on";
  }
  if (const flags::Value* metrics = parsed.find("--metrics")) {
    if (metrics->text() != "on" && metrics->text() != "off") {
      return metrics->source + ": \"" + metrics->text() + "\" is not on or off";
    }
    config.metrics = metrics->text() == "on";
  }
  return config;
}

std::string api_usage() {
  return "usage: vmpulse-api [--db URL] [--token T | --token-file PATH] [--listen HOST:PORT]\n"
         "                   [--writers N] [--bulk-insert on|off] [--queue-records N]\n"
         "                   [--threads N]\n"
         "                   [--body-bytes-in-flight N] [--log-level L] [--log-format F]\n"
         "                   [--metrics on|off]\n"
         "\n"
         "vmpulse ingest route 1: POST /api/metrics, /api/cpp/metrics, /metrics; GET /livez, "
         "/readyz, /metrics.\n"
         "Every flag has an environment variable (a flag wins):\n"
         "  --db             VMPULSE_DB_URL             mysql://user:pass@host:port/db (required)\n"
         "  --token          VMPULSE_TOKEN              one bearer token clients must send\n"
         "  --token-file     VMPULSE_TOKEN_FILE         accepted tokens, one a line; SIGHUP "
         "reloads\n"
         "  --listen         VMPULSE_LISTEN or PORT     default 0.0.0.0:" +
         std::to_string(defaults::kApiPort) +
         "\n"
         "  --writers        VMPULSE_API_WRITERS        database connections that write groups "
         "(default 2)\n"
         "  --bulk-insert    VMPULSE_API_BULK_INSERT    on (default): MariaDB's bulk execution "
         "where the\n"
         "                   server has it; off: multi-row INSERTs, as on MySQL\n"
         "  --queue-records  VMPULSE_API_QUEUE_RECORDS  records queued before answering 503 "
         "(default 50000)\n"
         "  --threads        VMPULSE_API_THREADS        HTTP threads (default: CPU count)\n"
         "  --body-bytes-in-flight  VMPULSE_BODY_BYTES_IN_FLIGHT  request-body bytes read at "
         "once,\n"
         "                   all connections; past it 503 server_busy (default " +
         std::to_string(defaults::kBodyBytesInFlight) +
         ")\n"
         "  --log-level      VMPULSE_LOG_LEVEL          trace, debug, info, warn, error, critical, "
         "off\n"
         "  --log-format     VMPULSE_LOG_FORMAT         text (default) or json, one object a line\n"
         "  --metrics        VMPULSE_METRICS            on (default): GET /metrics, Prometheus "
         "text; "
         "off\n";
}

}  // namespace vmpulse::api
