#include "vmpulse/http.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http_message.hpp"

namespace vmpulse::http {
namespace {

TEST(Request, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Two", "a"}, {"x-two", "b"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-TWO"), "a");
  EXPECT_FALSE(request.header("Authorization").has_value());
}

TEST(Request, QueryParamsAreDecoded) {
  Request request;
  request.query = "vm=web%2D1&limit=10&empty=&flag&name=a+b";
  EXPECT_EQ(request.query_param("vm"), "web-1");
  EXPECT_EQ(request.query_param("limit"), "10");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("name"), "a b");
  EXPECT_FALSE(request.query_param("missing").has_value());
}

TEST(Response, ErrorIsJsonWithCodeAndDetail) {
  const auto response = Response::error(503, "database_unavailable", "the \"db\" is down");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.content_type, "application/json");
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body.at("error"), "database_unavailable");
  EXPECT_EQ(body.at("detail"), "the \"db\" is down");
}

TEST(Response, AliveIsTheOneLivezAnswer) {
  const auto response = Response::alive();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"status":"ok"})");
}

TEST(Response, TextKeepsContentType) {
  const auto response = Response::text(200, "up 1\n", "text/plain; version=0.0.4");
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(response.body, "up 1\n");
}

TEST(Sync, WrapsAFunctionThatAnswersOnce) {
  const Handler handler = sync([](const Request& r) { return Response::text(200, r.path); });
  int calls = 0;
  Request request;
  request.path = "/livez";
  handler(std::move(request), [&calls](Response response) {
    ++calls;
    EXPECT_EQ(response.body, "/livez");
  });
  EXPECT_EQ(calls, 1);
}

TEST(BeastConversion, RequestSplitsPathAndQuery) {
  detail::BeastRequest message{boost::beast::http::verb::post, "/api/metrics?dry=1", 11};
  message.set("Authorization", "Bearer x");
  message.body() = "{}";
  const auto request = detail::to_request(std::move(message), "127.0.0.1:1");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/api/metrics");
  EXPECT_EQ(request.query, "dry=1");
  EXPECT_EQ(request.header("authorization"), "Bearer x");
  EXPECT_EQ(request.body, "{}");
  EXPECT_EQ(request.remote, "127.0.0.1:1");
}

TEST(BeastConversion, ResponseCarriesHeadersAndLength) {
  Response response = Response::json(201, R"({"status":"saved"})");
  response.headers.emplace_back("Retry-After", "2");
  const auto message = detail::to_message(std::move(response), 11, true, false, "vmpulse-test");
  EXPECT_EQ(message.result_int(), 201U);
  EXPECT_EQ(message["Retry-After"], "2");
  EXPECT_EQ(message["Server"], "vmpulse-test");
  EXPECT_EQ(message["Content-Length"], "18");
  EXPECT_TRUE(message.keep_alive());
}

TEST(BeastConversion, HeadKeepsLengthWithoutBody) {
  const auto message = detail::to_message(Response::text(200, "hello"), 11, true, true, "v");
  EXPECT_EQ(message["Content-Length"], "5");
  EXPECT_TRUE(message.body().empty());
}

TEST(BeastConversion, InvalidStatusBecomes500) {
  const auto message = detail::to_message(Response::json(42, "{}"), 11, false, false, "v");
  EXPECT_EQ(message.result_int(), 500U);
}

TEST(PreparedResponse, WireIsTheKeepAliveAnswerWithItsHeaders) {
  Response response = Response::json(503, R"({"error":"x"})");
  response.headers.emplace_back("Retry-After", "1");
  const auto prepared = PreparedResponse::make(response, "vmpulse-test");
  EXPECT_EQ(prepared->wire,
            "HTTP/1.1 503 Service Unavailable\r\nServer: vmpulse-test\r\n"
            "Content-Type: application/json\r\nRetry-After: 1\r\nContent-Length: 13\r\n\r\n"
            R"({"error":"x"})");
  EXPECT_EQ(prepared->response.body, response.body);
  EXPECT_EQ(prepared->server_name, "vmpulse-test");
}

TEST(BeastConversion, WebsocketUpgradeDetection) {
  detail::BeastRequest message{boost::beast::http::verb::get, "/ws", 11};
  EXPECT_FALSE(detail::is_websocket_upgrade(message));
  message.set("Upgrade", "h2c, WebSocket");
  EXPECT_TRUE(detail::is_websocket_upgrade(message));
  message.method(boost::beast::http::verb::post);
  EXPECT_FALSE(detail::is_websocket_upgrade(message));
}

}  // namespace
}  // namespace vmpulse::http
