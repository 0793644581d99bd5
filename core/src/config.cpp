#include "vmpulse/config.hpp"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "hex.hpp"

namespace vmpulse {

namespace {

std::optional<unsigned short> parse_port(std::string_view text) {
  unsigned value = 0;
  if (text.empty() || text.size() > 5) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<unsigned short>(value);
}

using vmpulse::detail::hex_value;

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// Host part of HOST:PORT, with IPv6 literals in brackets; sets `host` and returns the
// rest (":PORT" or "") or an error.
std::variant<std::string_view, std::string> split_host(std::string_view text, std::string& host) {
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::string("missing ']' after the IPv6 address");
    }
    host = std::string(text.substr(1, close - 1));
    if (host.empty()) {
      return std::string("empty IPv6 address in []");
    }
    return text.substr(close + 1);
  }
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') != colon) {
    return std::string("IPv6 addresses need brackets, as in [::1]:8080");
  }
  host = std::string(text.substr(0, colon == std::string_view::npos ? text.size() : colon));
  return colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
}

}  // namespace

std::variant<Endpoint, std::string> parse_endpoint(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) {
    return std::string("empty address: expected HOST:PORT, [IPv6]:PORT or :PORT");
  }
  // A bare number is a port on all interfaces, like ":PORT".
  if (const auto port = parse_port(text)) {
    return Endpoint{"0.0.0.0", *port};
  }
  Endpoint endpoint;
  const auto rest = split_host(text, endpoint.host);
  if (const auto* error = std::get_if<std::string>(&rest)) {
    return *error + " in " + quoted;
  }
  const auto port_text = std::get<std::string_view>(rest);
  if (port_text.empty() || port_text.front() != ':') {
    return "missing :PORT in " + quoted + " (expected HOST:PORT, [IPv6]:PORT or :PORT)";
  }
  const auto port = parse_port(port_text.substr(1));
  if (!port) {
    return "port must be a number from 0 to 65535 in " + quoted;
  }
  endpoint.port = *port;
  if (endpoint.host.empty()) {
    endpoint.host = "0.0.0.0";
  }
  for (const char c : endpoint.host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@') {
      return "invalid character in host of " + quoted;
    }
  }
  return endpoint;
}

std::variant<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) {
    return "duration " + quoted + " must start with a number, as in 250ms, 1s, 2m, 1h";
  }
  double amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, amount);
  if (ec != std::errc{} || end != text.data() + digits) {
    return "invalid number in duration " + quoted;
  }
  const auto unit = text.substr(digits);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "ms") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else {
    return "unknown unit in duration " + quoted + " (use ms, s, m or h)";
  }
  const double ms = std::round(amount * scale);
  if (ms <= 0) {
    return "duration " + quoted + " must be at least 1ms";
  }
  // A year is more than any vmpulse interval or timeout could sensibly be.
  if (ms > 366.0 * 24 * 3'600'000) {
    return "duration " + quoted + " is longer than a year";
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::string DbUrl::redacted() const {
  std::string out = "mysql://" + user;
  if (!password.empty()) {
    out += ":***";
  }
  out += "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port) + "/" + database;
  if (!socket.empty()) {
    out += "?socket=" + socket;
  }
  return out;
}

std::variant<DbUrl, std::string> parse_db_url(std::string_view text) {
  constexpr std::string_view kScheme = "mysql://";
  if (text.substr(0, kScheme.size()) != kScheme) {
    return std::string(
        "database URL must start with mysql:// (mysql://USER:PASSWORD@HOST:PORT/DATABASE)");
  }
  std::string_view rest = text.substr(kScheme.size());
  DbUrl url;
  // The password may hold '@' only %-encoded, so the last '@' ends the credentials.
  const auto at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return std::string("database URL has no USER@ part");
  }
  const auto credentials = rest.substr(0, at);
  rest = rest.substr(at + 1);
  const auto colon = credentials.find(':');
  const auto user = percent_decode(credentials.substr(0, colon));
  if (!user || user->empty()) {
    return std::string("database URL has an empty or badly %-encoded user");
  }
  url.user = *user;
  if (colon != std::string_view::npos) {
    const auto password = percent_decode(credentials.substr(colon + 1));
    if (!password) {
      return std::string("database URL has a badly %-encoded password (use %XX)");
    }
    url.password = *password;
  }
  std::string_view query;
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return std::string("database URL has no /DATABASE");
  }
  const auto database = percent_decode(rest.substr(slash + 1));
  if (!database || database->empty()) {
    return std::string("database URL has an empty database name");
  }
  url.database = *database;
  const auto hostport = rest.substr(0, slash);
  const auto port_rest = split_host(hostport, url.host);
  if (const auto* error = std::get_if<std::string>(&port_rest)) {
    return "database URL: " + *error;
  }
  const auto port_text = std::get<std::string_view>(port_rest);
  if (!port_text.empty()) {
    const auto port = parse_port(port_text.substr(1));
    if (!port || *port == 0) {
      return std::string("database URL port must be a number from 1 to 65535");
    }
    url.port = *port;
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = param.find('=');
    const auto name = param.substr(0, eq);
    if (name != "socket" || eq == std::string_view::npos) {
      return "database URL: unknown parameter \"" + std::string(name) + "\" (only socket=PATH)";
    }
    const auto socket = percent_decode(param.substr(eq + 1));
    if (!socket || socket->empty()) {
      return std::string("database URL: empty or badly %-encoded socket path");
    }
    url.socket = *socket;
  }
  if (url.host.empty() && url.socket.empty()) {
    return std::string("database URL has no host");
  }
  if (url.host.empty()) {
    url.host = "localhost";
  }
  return url;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') {
    return "localhost";
  }
  return buffer;
}

}  // namespace vmpulse
