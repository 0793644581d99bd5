// A URL the agent pushes to or the hub notifies: parsed once at start, and the rule
// that keeps a token off the wire in clear text (plain http:// only to this machine
// unless the operator says so).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace vmpulse {

struct HttpUrl {
  bool tls = false;  // https://
  std::string host;  // without the brackets of an IPv6 address
  std::string port = "80";
  std::string target = "/";
};

// "http[s]://host[:port][/path]" (port 80 or 443 by default); the error names what is
// wrong. Credentials in the URL are refused: a token goes in a header.
std::variant<HttpUrl, std::string> parse_http_url(std::string_view url);

// Whether `host` is this machine: "localhost", 127.0.0.0/8 or ::1 (as written in the
// URL; a name other than localhost is not resolved, so it is not loopback).
bool is_loopback_host(std::string_view host);

// The Host header's value: the port only when it is not the scheme's default, an IPv6
// address in brackets.
std::string host_header(const HttpUrl& url);

}  // namespace vmpulse
