#include "token_store.hpp"

#include <utility>

namespace vmpulse::api {

TokenStore::TokenStore(secret::TokenSet tokens, std::string path)
    : path_(std::move(path)),
      tokens_(std::make_shared<const secret::TokenSet>(std::move(tokens))) {}

std::shared_ptr<const secret::TokenSet> TokenStore::current() const {
  const std::lock_guard lock(mutex_);
  return tokens_;
}

bool TokenStore::accepts(std::string_view token) const {
  return !token.empty() && current()->accepts(token);
}

bool TokenStore::accepts_authorization(std::string_view authorization) const {
  return accepts(secret::bearer_token(authorization));
}

std::variant<std::size_t, std::string> TokenStore::reload() {
  if (path_.empty()) {
    return std::string("no token file to reload (the token was given by --token or VMPULSE_TOKEN)");
  }
  auto loaded = secret::load_token_file(path_);
  if (auto* problem = std::get_if<std::string>(&loaded)) {
    return *problem;
  }
  auto fresh =
      std::make_shared<const secret::TokenSet>(std::move(std::get<secret::TokenSet>(loaded)));
  const std::size_t count = fresh->size();
  const std::lock_guard lock(mutex_);
  tokens_ = std::move(fresh);
  return count;
}

}  // namespace vmpulse::api
