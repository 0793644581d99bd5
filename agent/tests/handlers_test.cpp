#include "handlers.hpp"

#include <gtest/gtest.h>

#include "options.hpp"
#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

http::Request get(std::string path, std::string method = "GET") {
  http::Request request;
  request.method = std::move(method);
  request.path = path;
  request.target = std::move(path);
  return request;
}

std::optional<std::string> header(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

class Handlers : public ::testing::Test {
 protected:
  void publish() {
    Collector collector(
        {testing::fixture("normal"), "so1", "fixture-vm", Clock{parse_utc("2026-01-02 03:04:05")}});
    Sample sample = collector.collect();
    std::string json = to_json(sample.record);
    store.publish(render_snapshot(std::move(sample), std::move(json), AgentInfo{"so1", "test"}));
  }
  SnapshotStore store;
};

TEST_F(Handlers, BeforeTheFirstSampleOnlyLivezAnswers200) {
  EXPECT_EQ(handle_request(get("/livez"), store).status, 200);
  for (const char* path : {"/readyz", "/metrics", "/metrics/prometheus", "/metrics/sources"}) {
    const auto response = handle_request(get(path), store);
    EXPECT_EQ(response.status, 503) << path;
    EXPECT_EQ(header(response, "Retry-After"), "1") << path;
  }
}

TEST_F(Handlers, ReadyOnceASampleExists) {
  publish();
  EXPECT_EQ(handle_request(get("/readyz"), store).status, 200);
}

TEST_F(Handlers, MetricsIsTheRecordAsJson) {
  publish();
  const auto response = handle_request(get("/metrics"), store);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, to_json(store.latest()->sample.record));
}

TEST_F(Handlers, MetricsWithAcceptTextPlainIsPrometheusText) {
  publish();
  auto request = get("/metrics");
  request.headers.emplace_back("accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  const auto response = handle_request(request, store);
  EXPECT_EQ(response.content_type, kPrometheusContentType);
  EXPECT_EQ(response.body, store.latest()->prometheus);
  EXPECT_EQ(handle_request(get("/metrics/prometheus"), store).body, store.latest()->prometheus);
}

TEST_F(Handlers, SourcesSaysWhereValuesCameFrom) {
  publish();
  const auto response = handle_request(get("/metrics/sources"), store);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("\"porcentaje_cpu_uso\": \"procfs\""), std::string::npos)
      << response.body;
}

TEST_F(Handlers, UnknownPathIs404) {
  publish();
  const auto response = handle_request(get("/metrics/nope"), store);
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("not_found"), std::string::npos);
  EXPECT_EQ(handle_request(get("/"), store).status, 404);
}

TEST_F(Handlers, WrongMethodIs405WithAllow) {
  publish();
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    const auto response = handle_request(get("/metrics", method), store);
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(header(response, "Allow"), "GET");
  }
}

TEST_F(Handlers, PreparedAnswersAreTheHandlersAnswersOnTheWire) {
  const auto before = prepared_get("/metrics", std::nullopt, store);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->response.status, 503);
  EXPECT_TRUE(before->wire.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << before->wire;
  EXPECT_NE(before->wire.find("\r\nRetry-After: 1\r\n"), std::string::npos);
  publish();
  const auto& snapshot = *store.latest();
  const auto json = prepared_get("/metrics", "*/*", store);
  ASSERT_NE(json, nullptr);
  EXPECT_EQ(json->server_name, kServerName);
  EXPECT_EQ(json->response.body, snapshot.json);
  EXPECT_TRUE(json->wire.starts_with("HTTP/1.1 200 OK\r\nServer: vmpulse-agent\r\n"));
  EXPECT_TRUE(json->wire.ends_with("\r\n\r\n" + snapshot.json));
  EXPECT_NE(json->wire.find("\r\nContent-Length: " + std::to_string(snapshot.json.size())),
            std::string::npos);
  EXPECT_EQ(prepared_get("/metrics", "text/plain", store), snapshot.prometheus_answer);
  EXPECT_EQ(prepared_get("/metrics/prometheus", std::nullopt, store), snapshot.prometheus_answer);
  EXPECT_TRUE(snapshot.prometheus_answer->wire.ends_with(snapshot.prometheus));
  EXPECT_EQ(prepared_get("/metrics/sources", std::nullopt, store), snapshot.sources_answer);
  EXPECT_EQ(prepared_get("/readyz", std::nullopt, store)->response.status, 200);
  EXPECT_EQ(prepared_get("/livez", std::nullopt, store)->response.body, R"({"status":"ok"})");
  EXPECT_EQ(prepared_get("/nope", std::nullopt, store), nullptr);
  EXPECT_EQ(prepared_get("/metrics?x=1", std::nullopt, store), nullptr);  // a path, not a target
}

TEST(WantsPrometheusText, FollowsTheAcceptHeader) {
  EXPECT_TRUE(wants_prometheus_text("text/plain"));
  EXPECT_TRUE(wants_prometheus_text(
      "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
  EXPECT_FALSE(wants_prometheus_text("application/json"));
  EXPECT_FALSE(wants_prometheus_text("application/json, text/plain, */*"));  // axios' default
  EXPECT_FALSE(wants_prometheus_text("*/*"));
  EXPECT_FALSE(wants_prometheus_text(""));
}

}  // namespace
}  // namespace vmpulse::agent
