#include "vmpulse/http_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace vmpulse {

std::variant<HttpUrl, std::string> parse_http_url(std::string_view url) {
  HttpUrl parsed;
  if (url.starts_with("https://")) {
    parsed.tls = true;
    parsed.port = "443";
    url.remove_prefix(std::string_view("https://").size());
  } else if (url.starts_with("http://")) {
    url.remove_prefix(std::string_view("http://").size());
  } else {
    return std::string("only https:// and http:// URLs are supported");
  }
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  parsed.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return std::string("credentials in the URL are not supported");
  }
  std::string_view host = authority;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::string("missing ']' after the IPv6 address");
    }
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && !authority.starts_with(':')) {
      return std::string("unexpected text after ']'");
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (host.empty()) {
    return std::string("no host");
  }
  parsed.host = std::string(host);
  if (!authority.empty()) {
    const std::string_view port = authority.substr(1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return std::string("the port must be a number from 1 to 65535");
    }
    parsed.port = std::string(port);
  }
  return parsed;
}

bool is_loopback_host(std::string_view host) {
  std::string name(host);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "localhost" || name == "localhost.") {
    return true;
  }
  // inet_pton takes only the full dotted quad, so "127.1" or "0x7f.1" are not loopback
  // here (a resolver might read them so; refusing them errs on the safe side).
  std::array<unsigned char, 16> address{};
  if (inet_pton(AF_INET, name.c_str(), address.data()) == 1) {
    return address[0] == 127;
  }
  if (inet_pton(AF_INET6, name.c_str(), address.data()) == 1) {
    constexpr std::array<unsigned char, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0,
                                                       0, 0, 0, 0, 0, 0, 0, 1};
    return address == kLoopback6;
  }
  return false;
}

std::string host_header(const HttpUrl& url) {
  std::string value = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls ? "443" : "80")) {
    value += ":" + url.port;
  }
  return value;
}

}  // namespace vmpulse
