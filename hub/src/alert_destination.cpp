#include "alert_destination.hpp"

#include <openssl/evp.h>

#include <array>

namespace vmpulse::hub {

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{size} * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string redact_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  std::string shown = "?";
  if (scheme_end != std::string_view::npos) {
    const std::string_view rest = url.substr(scheme_end + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);  // user:password@ never shows
    }
    shown = std::string(url.substr(0, scheme_end + 3)) + std::string(authority);
    if (authority.size() < rest.size()) {
      shown += "/…";
    }
  }
  return shown + " #" + sha256_hex(url).substr(0, 8);
}

std::variant<AlertDestination, std::string> parse_alert_destination(DestinationKind kind,
                                                                    std::string_view url,
                                                                    std::string_view source) {
  AlertDestination destination;
  destination.kind = kind;
  destination.url = std::string(url);
  destination.redacted = redact_url(url);
  destination.key = sha256_hex(url);
  const std::string where = std::string(source) + " " + destination.redacted + ": ";
  auto parsed = parse_http_url(url);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    return where + *problem;
  }
  destination.target = std::get<HttpUrl>(std::move(parsed));
  if (!destination.target.tls && !is_loopback_host(destination.target.host)) {
    return where + "must be https:// (plain http:// only to this machine)";
  }
  if (url.find('#') != std::string_view::npos) {
    return where + "a fragment (#) is never sent; remove it";
  }
  if (kind == DestinationKind::alertmanager) {
    std::string& path = destination.target.target;
    if (path.find('?') != std::string::npos) {
      return where + "give Alertmanager's base URL, without a query";
    }
    while (!path.empty() && path.back() == '/') {
      path.pop_back();
    }
    path += "/api/v2/alerts";
  }
  return destination;
}

}  // namespace vmpulse::hub
