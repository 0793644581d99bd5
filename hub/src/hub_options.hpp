// vmpulse-hub's configuration from flags and environment alike (a flag wins over its
// variable). Pure; thread-safe.
//
//   --db URL              VMPULSE_DB_URL           mysql://user:pass@host:port/db (required)
//   --listen HOST:PORT    VMPULSE_LISTEN, PORT     default 0.0.0.0:VMPULSE_HUB_PORT (8081)
//   --poll DURATION       VMPULSE_HUB_POLL         default 250ms
//   --late-window DUR     VMPULSE_HUB_LATE_WINDOW  how long an id gap is waited for (10s)
//   --allow-origin O      VMPULSE_HUB_ALLOW_ORIGIN for /ws and CORS on /api; repeated or
//                                                  comma separated; * for all
//   --max-clients N       VMPULSE_HUB_MAX_CLIENTS  default 20000
//   --queue-messages N    VMPULSE_HUB_QUEUE_MESSAGES  per-client backlog before resync (64)
//   --keepalive DURATION  VMPULSE_HUB_KEEPALIVE    ping after this much silence, drop after twice
//   (20s)
//   --threads N           VMPULSE_HUB_THREADS      io threads (default 1)
//   --log-level L         VMPULSE_LOG_LEVEL
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "origin_policy.hpp"
#include "vmpulse/config.hpp"
#include "vmpulse/flags.hpp"

namespace vmpulse::hub {

struct HubOptions {
  DbUrl db;
  Endpoint listen;
  std::chrono::milliseconds poll{250};
  std::chrono::milliseconds late_window{10'000};
  OriginPolicy origins;
  std::size_t max_clients = 20'000;
  std::size_t queue_messages = 64;
  std::chrono::milliseconds keepalive{20'000};
  unsigned threads = 1;
  std::string log_level;
  bool help = false;
};

using flags::EnvLookup;

// `args` excludes the program name. Error text names the flag or variable at fault and
// never repeats a database URL (it holds the password).
std::variant<HubOptions, std::string> parse_hub_options(const std::vector<std::string>& args,
                                                        const EnvLookup& env);

std::string hub_usage();

}  // namespace vmpulse::hub
