#include "cors.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

using vmpulse::hub::cors_headers;
using vmpulse::hub::cors_preflight;
using vmpulse::hub::HeaderList;
using vmpulse::hub::OriginPolicy;
using vmpulse::hub::with_cors;
namespace http = vmpulse::http;

namespace {

OriginPolicy parse(const std::vector<std::string>& specs) {
  return std::get<OriginPolicy>(OriginPolicy::parse(specs));
}

http::Request request(std::string method, std::string path, std::optional<std::string> origin,
                      std::string host = "hub.example:8081") {
  http::Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  r.headers.emplace_back("Host", std::move(host));
  if (origin) {
    r.headers.emplace_back("Origin", std::move(*origin));
  }
  return r;
}

std::optional<std::string> header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

bool has_cors(const HeaderList& headers) {
  for (const auto& [key, value] : headers) {
    if (key.starts_with("Access-Control-")) {
      return true;
    }
  }
  return false;
}

// Runs `handler` on `r` and returns its (synchronous) answer.
http::Response call(const http::Handler& handler, http::Request r) {
  std::optional<http::Response> answer;
  handler(std::move(r), [&answer](http::Response response) { answer = std::move(response); });
  EXPECT_TRUE(answer.has_value());
  return answer.value_or(http::Response{});
}

// A stand-in for HttpApi: 200 with a body, and counts its calls.
struct Inner {
  int* calls;
  void operator()(http::Request&& r, const http::Respond& respond) const {
    ++*calls;
    respond(http::Response::json(r.path == "/api/nothing" ? 404 : 200, R"({"ok":true})"));
  }
};

}  // namespace

TEST(Cors, AllowedOriginIsEchoedWithVary) {
  const OriginPolicy policy = parse({"https://dashboard-xyz.run.app"});
  const HeaderList headers =
      cors_headers(policy, request("GET", "/api/vms", "https://dashboard-xyz.run.app"));
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "https://dashboard-xyz.run.app");
  EXPECT_EQ(header(headers, "Vary"), "Origin");
}

TEST(Cors, DisallowedOrNoOriginGetsNothing) {
  const OriginPolicy policy = parse({"https://dashboard-xyz.run.app"});
  EXPECT_TRUE(cors_headers(policy, request("GET", "/api/vms", "https://evil.example")).empty());
  EXPECT_TRUE(cors_headers(policy, request("GET", "/api/vms", "null")).empty());
  EXPECT_TRUE(cors_headers(policy, request("GET", "/api/vms", std::nullopt)).empty());
  // The list replaces the default localhost allowance, as on /ws.
  EXPECT_TRUE(cors_headers(policy, request("GET", "/api/vms", "http://localhost:5173")).empty());
}

TEST(Cors, SameRuleAsWebSocket) {
  // Default policy: same host and localhost are allowed, others not — OriginPolicy's rule.
  const OriginPolicy policy = parse({});
  for (const std::string origin :
       {"https://hub.example", "http://localhost:5173", "https://evil.example", "null"}) {
    const bool allowed = policy.allows(origin, "hub.example:8081");
    EXPECT_EQ(!cors_headers(policy, request("GET", "/api/split", origin)).empty(), allowed)
        << origin;
  }
  EXPECT_EQ(header(cors_headers(parse({"*"}), request("GET", "/api/vms", "https://x.example")),
                   "Access-Control-Allow-Origin"),
            "https://x.example");
}

TEST(Cors, PreflightForAllowedOrigin) {
  const OriginPolicy policy = parse({"https://dashboard-xyz.run.app"});
  const http::Response response =
      cors_preflight(policy, request("OPTIONS", "/api/history", "https://dashboard-xyz.run.app"));
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.empty());
  EXPECT_TRUE(response.content_type.empty());
  EXPECT_EQ(header(response.headers, "Access-Control-Allow-Origin"),
            "https://dashboard-xyz.run.app");
  EXPECT_EQ(header(response.headers, "Vary"), "Origin");
  EXPECT_EQ(header(response.headers, "Access-Control-Allow-Methods"), "GET, POST, DELETE, OPTIONS");
  EXPECT_EQ(header(response.headers, "Access-Control-Allow-Headers"),
            "Authorization, Content-Type");
  EXPECT_EQ(header(response.headers, "Access-Control-Max-Age"), "600");
}

TEST(Cors, PreflightForDisallowedOriginHasNoCorsHeaders) {
  const OriginPolicy policy = parse({"https://dashboard-xyz.run.app"});
  const http::Response response =
      cors_preflight(policy, request("OPTIONS", "/api/history", "https://evil.example"));
  EXPECT_EQ(response.status, 204);
  EXPECT_FALSE(has_cors(response.headers));
  EXPECT_EQ(header(response.headers, "Allow"), "GET, HEAD, OPTIONS");
}

TEST(Cors, WrapperAddsHeadersToApiAnswersIncludingErrors) {
  int calls = 0;
  const http::Handler handler = with_cors(parse({"https://dash.example"}), Inner{&calls});
  http::Response ok = call(handler, request("GET", "/api/vms", "https://dash.example"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"ok":true})");
  EXPECT_EQ(header(ok.headers, "Access-Control-Allow-Origin"), "https://dash.example");
  EXPECT_EQ(header(ok.headers, "Vary"), "Origin");
  http::Response missing = call(handler, request("GET", "/api/nothing", "https://dash.example"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(header(missing.headers, "Access-Control-Allow-Origin"), "https://dash.example");
  EXPECT_EQ(calls, 2);
}

TEST(Cors, WrapperLeavesOtherRequestsAlone) {
  int calls = 0;
  const http::Handler handler = with_cors(parse({"https://dash.example"}), Inner{&calls});
  // No Origin (curl): served, no CORS headers, never 403.
  http::Response plain = call(handler, request("GET", "/api/vms", std::nullopt));
  EXPECT_EQ(plain.status, 200);
  EXPECT_FALSE(has_cors(plain.headers));
  // Origin not allowed: served too; the browser withholds it for lack of the headers.
  http::Response evil = call(handler, request("GET", "/api/vms", "https://evil.example"));
  EXPECT_EQ(evil.status, 200);
  EXPECT_FALSE(has_cors(evil.headers));
  EXPECT_TRUE(header(evil.headers, "Vary") == std::nullopt);
  // Outside /api/ nothing changes.
  http::Response live = call(handler, request("GET", "/livez", "https://dash.example"));
  EXPECT_FALSE(has_cors(live.headers));
  EXPECT_EQ(calls, 3);
}

TEST(Cors, WrapperAnswersApiPreflightItself) {
  int calls = 0;
  const http::Handler handler = with_cors(parse({"https://dash.example"}), Inner{&calls});
  http::Response preflight =
      call(handler, request("OPTIONS", "/api/split", "https://dash.example"));
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(header(preflight.headers, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(calls, 0);
  // OPTIONS elsewhere goes to the inner handler (which answers 405 there).
  call(handler, request("OPTIONS", "/livez", "https://dash.example"));
  EXPECT_EQ(calls, 1);
}
