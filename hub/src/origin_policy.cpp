#include "origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace vmpulse::hub {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// "host", "host:port", "[::1]:port" -> host without port or brackets.
std::string_view host_part(std::string_view authority) {
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(1, close - 1);
  }
  const auto colon = authority.rfind(':');
  return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

// "http://host:port/..." -> "host:port"; empty when not an http(s) origin.
std::string_view authority_of(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.size() > scheme.size() && lower(origin.substr(0, scheme.size())) == scheme) {
      std::string_view rest = origin.substr(scheme.size());
      return rest.substr(0, rest.find('/'));
    }
  }
  return {};
}

}  // namespace

std::variant<OriginPolicy, std::string> OriginPolicy::parse(const std::vector<std::string>& specs) {
  OriginPolicy policy;
  for (const auto& spec : specs) {
    std::string_view rest = spec;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (item == "*") {
        policy.any_ = true;
      } else if (!item.empty()) {
        if (authority_of(item).empty() || item.back() == '/') {
          return "--allow-origin: \"" + std::string(item) +
                 "\" is not an origin like https://host[:port] or *";
        }
        policy.origins_.push_back(lower(item));
        policy.localhost_ = false;
      }
      if (comma == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(comma + 1);
    }
  }
  return policy;
}

bool OriginPolicy::allows(std::optional<std::string_view> origin, std::string_view host) const {
  if (!origin || any_) {
    return true;
  }
  const std::string wanted = lower(trim(*origin));
  const std::string_view authority = authority_of(wanted);
  if (authority.empty()) {
    return false;  // "null", file://, …
  }
  const std::string_view origin_host = host_part(authority);
  if (!host.empty() && origin_host == lower(host_part(trim(host)))) {
    return true;
  }
  if (localhost_ &&
      (origin_host == "localhost" || origin_host == "127.0.0.1" || origin_host == "::1")) {
    return true;
  }
  return std::find(origins_.begin(), origins_.end(), wanted) != origins_.end();
}

}  // namespace vmpulse::hub
