// Parsing of configuration values shared by every binary (flags and VMPULSE_*
// environment variables), and the defaults from config/defaults.env (generated into
// vmpulse/defaults.hpp at build time). Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vmpulse {

struct Endpoint {
  std::string host;
  unsigned short port = 0;
};

// "HOST:PORT", "[::1]:PORT" or ":PORT" (all interfaces). Error text says what is wrong.
std::variant<Endpoint, std::string> parse_endpoint(std::string_view text);

// "250ms", "1s", "2m", "1h"; a bare number is seconds. Must be > 0.
std::variant<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

struct DbUrl {
  std::string user;
  std::string password;
  std::string host;
  unsigned short port = 3306;
  std::string database;
  std::string socket;  // ?socket=/path, optional

  // The URL with the password replaced by "***", for logs.
  std::string redacted() const;
};

// "mysql://user:pass@host:port/db" (password %-decoded).
std::variant<DbUrl, std::string> parse_db_url(std::string_view text);

// The machine's hostname, or "localhost".
std::string host_name();

}  // namespace vmpulse
