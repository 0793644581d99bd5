// The ingest tokens the route accepts, replaceable while requests are being checked:
// the token file (vmpulse::secret's format: one token a line, oldest first) is read at
// start and again on SIGHUP, so a rotation needs no restart. A file that fails to load
// on a reload leaves the accepted tokens as they were. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "vmpulse/secret.hpp"

namespace vmpulse::api {

class TokenStore {
 public:
  // `path`: the token file the tokens came from; empty when they came from --token
  // (nothing to reload then).
  explicit TokenStore(secret::TokenSet tokens, std::string path = {});

  // Whether `token` is one of the accepted tokens (constant time per token).
  bool accepts(std::string_view token) const;
  // Whether an Authorization header value is "Bearer <an accepted token>".
  bool accepts_authorization(std::string_view authorization) const;

  // Reads the token file again: the number of tokens now accepted, or why the file was
  // refused (the tokens accepted before stay). Never names a token.
  std::variant<std::size_t, std::string> reload();

  const std::string& path() const { return path_; }

 private:
  std::shared_ptr<const secret::TokenSet> current() const;

  const std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const secret::TokenSet> tokens_;  // guarded by mutex_
};

}  // namespace vmpulse::api
