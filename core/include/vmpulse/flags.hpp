// Command-line flags and their VMPULSE_* environment twins, the way every vmpulse server
// reads them: the environment first, then flags, and a flag replaces its variable.
// "--flag value" and "--flag=value" are both accepted; a repeated flag keeps every
// value (for lists such as --allow-origin) and single-valued options take the last.
// Errors name the flag or variable at fault, never a value that may be a secret unless
// the caller quotes it. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vmpulse/config.hpp"

namespace vmpulse::flags {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process's real environment (read once at start-up, before other threads exist).
std::optional<std::string> from_environment(std::string_view name);

struct Spec {
  std::string_view flag;  // "--db"
  std::string_view env;   // "VMPULSE_DB_URL"
};

struct Value {
  std::vector<std::string> texts;  // every value given, in order
  std::string source;              // the flag or variable it came from, for messages
  bool from_flag = false;
  const std::string& text() const { return texts.back(); }
};

struct Parsed {
  std::map<std::string_view, Value> values;  // by flag, only the options that were given
  bool help = false;                         // --help or -h was given (nothing else is read)

  const Value* find(std::string_view flag) const;
};

// Reads `env` for every spec, then `args` (without the program name). An empty variable
// counts as unset. Unknown flags and flags missing their value are errors.
std::variant<Parsed, std::string> collect(std::span<const Spec> specs,
                                          const std::vector<std::string>& args,
                                          const EnvLookup& env);

// A whole number from `low` to `high`.
std::variant<unsigned long long, std::string> count(const Value& value, unsigned long long low,
                                                    unsigned long long high);

// A duration (parse_duration's forms) from `low` to `high`.
std::variant<std::chrono::milliseconds, std::string> duration(const Value& value,
                                                              std::chrono::milliseconds low,
                                                              std::chrono::milliseconds high);

// Where to listen: the --listen option when given, else PORT (what Cloud Run and similar
// platforms set: a port, all interfaces), else 0.0.0.0:default_port.
std::variant<Endpoint, std::string> listen(const Parsed& parsed, const EnvLookup& env,
                                           unsigned short default_port);

// The database URL (--db / its variable); required.
std::variant<DbUrl, std::string> db_url(const Parsed& parsed);

}  // namespace vmpulse::flags
