// The viewer check in front of the hub's HTTP API (viewer_auth.hpp), and the two
// endpoints of signing in:
//   POST /api/session   {"token":"<viewer token>"} or "Authorization: Bearer <token>":
//                       200 and Set-Cookie of a session (12 h); 401 for a wrong token;
//                       429 when wrong tokens arrive faster than kSignInFailures a second
//   DELETE /api/session 200 and a Set-Cookie that clears the session
//   GET /api/auth       204 with a valid credential, 401 without (nginx's auth_request
//                       for the dashboard's files)
// Every other path but /livez and /readyz answers 401 without a valid credential.
// Tokens are never logged or echoed. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "viewer_auth.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

// Failed sign-ins the hub answers per second (a token bucket of twice that); past it,
// 429. A 256-bit token cannot be guessed anyway: this keeps a guesser from costing CPU.
inline constexpr double kSignInFailures = 10;

// Counts failed sign-ins; thread-safe.
class SignInThrottle {
 public:
  // Whether a failure at `now` may still be answered 401 (false: answer 429).
  bool allow_failure(std::chrono::steady_clock::time_point now);

 private:
  std::mutex mutex_;
  double tokens_ = 2 * kSignInFailures;
  std::chrono::steady_clock::time_point last_{};
};

// 401 {"error":"unauthorized",…} with WWW-Authenticate, for HTTP and the /ws refusal.
http::Response unauthorized(Credential credential);

// Wraps `inner` (the API) with the viewer check and the sign-in endpoints. `now` gives
// Unix seconds.
http::Handler with_viewer_auth(std::shared_ptr<const ViewerAuth> auth,
                               std::function<std::int64_t()> now, http::Handler inner);

}  // namespace vmpulse::hub
