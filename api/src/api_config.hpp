// vmpulse-api's configuration from flags and environment alike (a flag wins over its
// variable). Pure apart from reading --token-file; thread-safe.
//
//   --db URL            VMPULSE_DB_URL        mysql://user:pass@host:port/db (required)
//   --token T           VMPULSE_TOKEN         one bearer token (one of token/token-file required)
//   --token-file PATH   VMPULSE_TOKEN_FILE    accepted tokens, one a line (secret.hpp's format),
//                                             read again on SIGHUP
//   --body-bytes-in-flight N  VMPULSE_BODY_BYTES_IN_FLIGHT  cap on request-body bytes being
//                                             read at once, all connections (503 past it)
//   --listen HOST:PORT  VMPULSE_LISTEN, PORT  default 0.0.0.0:VMPULSE_API_PORT (5000)
//   --writers N         VMPULSE_API_WRITERS   database connections writing groups (1-32, default 2)
//   --bulk-insert on|off  VMPULSE_API_BULK_INSERT  records by MariaDB's bulk execution where the
//                                             server has it (on), or multi-row INSERTs (off)
//   --queue-records N   VMPULSE_API_QUEUE_RECORDS  records waiting before 503 (1000-10000000)
//   --threads N         VMPULSE_API_THREADS   HTTP threads (1-256, default: CPU count)
//   --log-level L       VMPULSE_LOG_LEVEL     trace … off
//   --log-format F      VMPULSE_LOG_FORMAT    text or json (log.hpp)
//   --metrics on|off    VMPULSE_METRICS       GET /metrics and the counting behind it (on)
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vmpulse/config.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/secret.hpp"

namespace vmpulse::api {

struct ApiConfig {
  DbUrl db;
  secret::TokenSet tokens;  // from --token (one) or the token file
  std::string token_file;   // empty when the token came from --token / VMPULSE_TOKEN
  Endpoint listen;
  unsigned writers = 2;
  bool bulk_insert = true;
  std::size_t queue_records = 50'000;
  unsigned threads = 0;
  std::size_t body_bytes_in_flight = 0;  // 0: config/defaults.env's (see docs/ingest.md)
  std::string log_level;                 // empty: init_logging's default
  std::string log_format;                // empty: init_logging's default
  bool metrics = true;                   // off: no counting, GET /metrics answers 405
  bool help = false;                     // --help: print api_usage() and exit 0
};

using flags::EnvLookup;

// `args` excludes the program name. Error text names the flag or variable at fault.
std::variant<ApiConfig, std::string> parse_api_config(const std::vector<std::string>& args,
                                                      const EnvLookup& env);

std::string api_usage();

}  // namespace vmpulse::api
