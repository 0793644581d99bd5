#include "viewer_api.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace vmpulse::hub {
namespace {

// The token of a sign-in: the bearer header, else {"token":"…"} in the body; empty
// when neither holds one.
std::string sign_in_token(const http::Request& request) {
  if (const auto authorization = request.header("Authorization")) {
    return std::string(secret::bearer_token(*authorization));
  }
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_object()) {
    const auto token = body.find("token");
    if (token != body.end() && token->is_string()) {
      return token->get<std::string>();
    }
  }
  return {};
}

http::Response with_cookie(http::Response response, std::string cookie) {
  response.headers.emplace_back("Set-Cookie", std::move(cookie));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response sign_in(const ViewerAuth& auth, SignInThrottle& throttle,
                       const http::Request& request, std::int64_t now) {
  const std::string token = sign_in_token(request);
  const auto value = auth.sign_in(token, now);
  if (!value) {
    if (!throttle.allow_failure(std::chrono::steady_clock::now())) {
      http::Response response = http::Response::error(
          429, "too_many_sign_ins", "too many failed sign-ins; wait a second and try again");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    return http::Response::error(
        401, "unauthorized",
        token.empty() ? "send {\"token\":\"<viewer token>\"}" : "that is not a viewer token");
  }
  return with_cookie(http::Response::json(200, "{\"status\":\"signed_in\",\"expires_in\":" +
                                                   std::to_string(kSessionSeconds) + "}"),
                     set_cookie(*value, kSessionSeconds));
}

}  // namespace

bool SignInThrottle::allow_failure(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  const std::chrono::duration<double> elapsed = now - last_;
  last_ = now;
  tokens_ = std::min(2 * kSignInFailures, tokens_ + elapsed.count() * kSignInFailures);
  if (tokens_ < 1) {
    return false;
  }
  tokens_ -= 1;
  return true;
}

http::Response unauthorized(Credential credential) {
  http::Response response = http::Response::error(
      401, "unauthorized",
      credential == Credential::missing
          ? "sign in first: open the sign-in link (./vmpulse up prints it) or send "
            "Authorization: Bearer <viewer token>"
          : "the viewer credential is wrong or has expired; sign in again");
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vmpulse\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Handler with_viewer_auth(std::shared_ptr<const ViewerAuth> auth,
                               std::function<std::int64_t()> now, http::Handler inner) {
  auto throttle = std::make_shared<SignInThrottle>();
  return [auth = std::move(auth), now = std::move(now), throttle, inner = std::move(inner)](
             http::Request&& request, http::Respond respond) {
    const std::string& path = request.path;
    if (path == "/livez" || path == "/readyz") {
      return inner(std::move(request), std::move(respond));
    }
    if (path == "/api/session") {
      if (request.method == "POST") {
        return respond(sign_in(*auth, *throttle, request, now()));
      }
      if (request.method == "DELETE") {
        return respond(with_cookie(http::Response::json(200, R"({"status":"signed_out"})"),
                                   set_cookie("", 0)));
      }
      http::Response response =
          http::Response::error(405, "method_not_allowed", "use POST to sign in, DELETE to leave");
      response.headers.emplace_back("Allow", "POST, DELETE, OPTIONS");
      return respond(std::move(response));
    }
    const Credential credential =
        auth->check(request.header("Authorization"), request.header("Cookie"), now());
    if (credential != Credential::valid) {
      return respond(unauthorized(credential));
    }
    if (path == "/api/auth") {
      http::Response response;
      response.status = 204;
      response.content_type.clear();
      response.headers.emplace_back("Cache-Control", "no-store");
      return respond(std::move(response));
    }
    inner(std::move(request), std::move(respond));
  };
}

}  // namespace vmpulse::hub
