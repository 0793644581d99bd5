// Secrets and what is derived from them (OpenSSL's libcrypto underneath): digests for
// binding an idempotency key to its body, HMAC for stateless session cookies, a
// comparison that takes the same time wherever the first difference is, fresh random
// tokens, and the token file every route, the agent and the hub read. Pure functions
// and value types; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vmpulse::secret {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

// Lower-case hex HMAC-SHA-256 of `message` under `key` (64 characters).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// True when a == b; the time taken does not depend on where they differ (it does on
// the lengths, which are not secret here: every vmpulse token has the same length).
bool equal(std::string_view a, std::string_view b);

// `bytes` random bytes from the OS (RAND_bytes), as lower-case hex (2 * bytes chars).
// Throws std::runtime_error when the generator fails.
std::string random_hex(std::size_t bytes);

// The bearer token in an "Authorization: Bearer <token>" value (case-insensitive
// scheme, spaces trimmed), or an empty view when the value is not of that form.
std::string_view bearer_token(std::string_view authorization);

// A set of accepted tokens: the token file holds one token a line, oldest first, so a
// rotation appends the new one and later removes the old. Blank lines and lines
// starting with '#' are ignored; a token is 16 to 512 visible ASCII characters.
class TokenSet {
 public:
  TokenSet() = default;
  explicit TokenSet(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  // Whether `candidate` is one of the tokens (each compared in constant time).
  bool accepts(std::string_view candidate) const;
  bool empty() const { return tokens_.empty(); }
  std::size_t size() const { return tokens_.size(); }
  // The newest token (the last line): the one a client sends.
  const std::string& newest() const { return tokens_.back(); }

 private:
  std::vector<std::string> tokens_;
};

// Parses a token file's text; the error names the line at fault, never its content.
std::variant<TokenSet, std::string> parse_token_file(std::string_view text);

// Reads and parses the file at `path` (at most 64 KiB); the error names the path and
// what is wrong (missing, unreadable, too large, no token, a bad line).
std::variant<TokenSet, std::string> load_token_file(const std::string& path);

}  // namespace vmpulse::secret
