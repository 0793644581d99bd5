#include "cors.hpp"

#include <memory>
#include <optional>
#include <string_view>

namespace vmpulse::hub {
namespace {

bool is_api(const http::Request& request) { return request.path.starts_with("/api/"); }

}  // namespace

HeaderList cors_headers(const OriginPolicy& policy, const http::Request& request) {
  const std::optional<std::string_view> origin = request.header("Origin");
  if (!origin || !policy.allows(origin, request.header("Host").value_or(""))) {
    return {};
  }
  // Credentials: a dashboard on another origin sends its session cookie or bearer token.
  return {{"Access-Control-Allow-Origin", std::string(*origin)},
          {"Access-Control-Allow-Credentials", "true"},
          {"Vary", "Origin"}};
}

http::Response cors_preflight(const OriginPolicy& policy, const http::Request& request) {
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  response.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
  HeaderList cors = cors_headers(policy, request);
  if (!cors.empty()) {
    cors.emplace_back("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    cors.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
    cors.emplace_back("Access-Control-Max-Age", "600");
    response.headers.insert(response.headers.end(), cors.begin(), cors.end());
  }
  return response;
}

http::Handler with_cors(OriginPolicy policy, http::Handler inner) {
  auto shared = std::make_shared<const OriginPolicy>(std::move(policy));
  return [shared, inner = std::move(inner)](http::Request&& request, http::Respond respond) {
    if (!is_api(request)) {
      inner(std::move(request), std::move(respond));
      return;
    }
    if (request.method == "OPTIONS") {
      respond(cors_preflight(*shared, request));
      return;
    }
    HeaderList cors = cors_headers(*shared, request);
    if (cors.empty()) {
      inner(std::move(request), std::move(respond));
      return;
    }
    inner(std::move(request),
          [cors = std::move(cors), respond = std::move(respond)](http::Response response) {
            response.headers.insert(response.headers.end(), cors.begin(), cors.end());
            respond(std::move(response));
          });
  };
}

}  // namespace vmpulse::hub
