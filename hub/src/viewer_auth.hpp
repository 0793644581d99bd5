// Who may read: every read path of the hub (/api/history, /api/vms, /api/split,
// /api/stats, /ws) and, through GET /api/auth, the dashboard's files behind nginx. A
// viewer presents the viewer token ("Authorization: Bearer <token>", for scripts) or
// the session cookie that POST /api/session gives for it (browsers).
//
// The cookie is stateless: "v1.<expiry>.<hmac>" with the HMAC-SHA-256 of "v1.<expiry>"
// keyed by the newest viewer token, so the hub keeps no session table and a new viewer
// token (appended to the file, reloaded on SIGHUP) ends every session at once, while
// scripts holding the old token keep working until it is removed.
// The ingest token is a different file and never a viewer credential.
//
// The free functions are pure; ViewerAuth is thread-safe (reload swaps the token set
// under a lock while io threads check requests).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "vmpulse/secret.hpp"

namespace vmpulse::hub {

inline constexpr std::string_view kSessionCookie = "vmpulse_session";
inline constexpr std::int64_t kSessionSeconds = std::int64_t{12} * 3600;

// "v1.<expiry>.<hmac>" signed with `key`; `expiry` in Unix seconds.
std::string session_value(std::string_view key, std::int64_t expiry);

// Whether `value` is a session cookie signed by the newest of `tokens` that has not expired at
// `now` (and expires no later than a session made now would: a forged far-future
// expiry is refused even with a right signature).
bool session_valid(const secret::TokenSet& tokens, std::string_view value, std::int64_t now);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);

// The Set-Cookie header value for a session: HttpOnly, Secure, SameSite=Strict, Path=/.
// max_age 0 clears the cookie (sign-out).
std::string set_cookie(std::string_view value, std::int64_t max_age);

enum class Credential {
  missing,  // neither a bearer token nor a session cookie
  invalid,  // one was given and is wrong, expired or tampered with
  valid,
};

// Checks the Authorization and Cookie headers against `tokens`; a bearer token, when
// present, decides (a script's wrong token is not rescued by a browser cookie).
Credential check_credential(const secret::TokenSet& tokens,
                            std::optional<std::string_view> authorization,
                            std::optional<std::string_view> cookie, std::int64_t now);

class ViewerAuth {
 public:
  // Reads open: every request is a viewer (only behind a proxy that checks viewers).
  static std::shared_ptr<ViewerAuth> open_reads();
  // Viewers need one of the tokens in `path` (load_token_file's format).
  // Throws std::runtime_error with the loader's message when the file is unusable.
  static std::shared_ptr<ViewerAuth> from_file(std::string path);

  // A default-constructed ViewerAuth has no tokens: it lets nobody in.
  bool open() const { return open_; }
  // Re-reads the file; on failure the old tokens stay and the error is returned.
  std::optional<std::string> reload();

  Credential check(std::optional<std::string_view> authorization,
                   std::optional<std::string_view> cookie, std::int64_t now) const;
  // A session cookie value for a sign-in with `token`, or nullopt when the token is
  // not a viewer token.
  std::optional<std::string> sign_in(std::string_view token, std::int64_t now) const;

 private:
  bool open_ = false;
  std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<const secret::TokenSet> tokens_;  // guarded by mutex_
  std::shared_ptr<const secret::TokenSet> tokens() const;
};

}  // namespace vmpulse::hub
