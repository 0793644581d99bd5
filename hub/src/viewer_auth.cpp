#include "viewer_auth.hpp"

#include <charconv>
#include <stdexcept>

namespace vmpulse::hub {
namespace {

constexpr std::string_view kVersion = "v1.";

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  return std::string(text);
}

}  // namespace

std::string session_value(std::string_view key, std::int64_t expiry) {
  const std::string signed_part = std::string(kVersion) + std::to_string(expiry);
  return signed_part + "." + secret::hmac_sha256_hex(key, signed_part);
}

bool session_valid(const secret::TokenSet& tokens, std::string_view value, std::int64_t now) {
  if (!value.starts_with(kVersion)) {
    return false;
  }
  const auto dot = value.find('.', kVersion.size());
  if (dot == std::string_view::npos) {
    return false;
  }
  const std::string_view expiry_text = value.substr(kVersion.size(), dot - kVersion.size());
  std::int64_t expiry = 0;
  const auto [end, ec] =
      std::from_chars(expiry_text.data(), expiry_text.data() + expiry_text.size(), expiry);
  if (ec != std::errc{} || end != expiry_text.data() + expiry_text.size() || expiry <= now ||
      expiry > now + kSessionSeconds) {
    return false;
  }
  const std::string_view signed_part = value.substr(0, dot);
  const std::string_view mac = value.substr(dot + 1);
  return !tokens.empty() &&
         secret::equal(secret::hmac_sha256_hex(tokens.newest(), signed_part), mac);
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    std::string_view pair = header.substr(0, semicolon);
    header =
        semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      std::string_view value = pair.substr(name.size() + 1);
      while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
      }
      return value;
    }
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view value, std::int64_t max_age) {
  return std::string(kSessionCookie) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; Secure; SameSite=Strict";
}

Credential check_credential(const secret::TokenSet& tokens,
                            std::optional<std::string_view> authorization,
                            std::optional<std::string_view> cookie, std::int64_t now) {
  if (authorization && !trimmed(*authorization).empty()) {
    const std::string_view token = secret::bearer_token(*authorization);
    return !token.empty() && tokens.accepts(token) ? Credential::valid : Credential::invalid;
  }
  if (cookie) {
    if (const auto value = cookie_value(*cookie, kSessionCookie)) {
      return session_valid(tokens, *value, now) ? Credential::valid : Credential::invalid;
    }
  }
  return Credential::missing;
}

std::shared_ptr<ViewerAuth> ViewerAuth::open_reads() {
  auto auth = std::make_shared<ViewerAuth>();
  auth->open_ = true;
  return auth;
}

std::shared_ptr<ViewerAuth> ViewerAuth::from_file(std::string path) {
  auto auth = std::make_shared<ViewerAuth>();
  auth->path_ = std::move(path);
  if (auto problem = auth->reload()) {
    throw std::runtime_error("viewer token file: " + *problem);
  }
  return auth;
}

std::optional<std::string> ViewerAuth::reload() {
  if (path_.empty()) {
    return std::nullopt;  // no file: nothing to reload
  }
  auto loaded = secret::load_token_file(path_);
  if (auto* problem = std::get_if<std::string>(&loaded)) {
    return *problem;
  }
  auto tokens = std::make_shared<const secret::TokenSet>(std::get<secret::TokenSet>(loaded));
  std::lock_guard lock(mutex_);
  tokens_ = std::move(tokens);
  return std::nullopt;
}

std::shared_ptr<const secret::TokenSet> ViewerAuth::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

Credential ViewerAuth::check(std::optional<std::string_view> authorization,
                             std::optional<std::string_view> cookie, std::int64_t now) const {
  if (open()) {
    return Credential::valid;
  }
  const auto current = tokens();
  return current ? check_credential(*current, authorization, cookie, now) : Credential::missing;
}

std::optional<std::string> ViewerAuth::sign_in(std::string_view token, std::int64_t now) const {
  const auto current = tokens();
  if (open() || !current || token.empty() || !current->accepts(token)) {
    return std::nullopt;
  }
  return session_value(current->newest(), now + kSessionSeconds);
}

}  // namespace vmpulse::hub
