#include "vmpulse/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "vmpulse/http_metrics.hpp"

namespace vmpulse::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Registry, CounterRendersHelpTypeAndValue) {
  Registry registry;
  Counter& stored = registry.counter("vmpulse_x_total", "Things stored.");
  stored.inc();
  stored.inc(4);
  EXPECT_EQ(registry.render(),
            "# HELP vmpulse_x_total Things stored.\n"
            "# TYPE vmpulse_x_total counter\n"
            "vmpulse_x_total 5\n");
}

TEST(Registry, SeriesOfOneNameShareHelpAndType) {
  Registry registry;
  registry.counter("vmpulse_db_errors_total", "Errors.", {{"op", "commit"}}).inc();
  registry.counter("vmpulse_db_errors_total", "Errors.", {{"op", "connect"}});
  EXPECT_EQ(registry.render(),
            "# HELP vmpulse_db_errors_total Errors.\n"
            "# TYPE vmpulse_db_errors_total counter\n"
            "vmpulse_db_errors_total{op=\"commit\"} 1\n"
            "vmpulse_db_errors_total{op=\"connect\"} 0\n");
}

TEST(Registry, SparseCounterAppearsOnceNonZero) {
  Registry registry;
  Counter& c = registry.counter("vmpulse_y_total", "Y.", {{"code", "200"}}, Show::when_non_zero);
  EXPECT_FALSE(contains(registry.render(), "vmpulse_y_total{"));
  c.inc();
  EXPECT_TRUE(contains(registry.render(), "vmpulse_y_total{code=\"200\"} 1\n"));
}

TEST(Registry, GaugesFromValueAndFunction) {
  Registry registry;
  registry.gauge("vmpulse_lag_seconds", "Lag.").set(1.5);
  registry.gauge_function("vmpulse_depth", "Depth.", [] { return 42.0; });
  const auto text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE vmpulse_lag_seconds gauge\nvmpulse_lag_seconds 1.5\n"));
  EXPECT_TRUE(contains(text, "vmpulse_depth 42\n"));
}

TEST(Registry, CounterFromFunction) {
  Registry registry;
  std::uint64_t delivered = 7;
  registry.counter_function("vmpulse_rows_total", "Rows.", [&] { return delivered; });
  EXPECT_TRUE(
      contains(registry.render(), "# TYPE vmpulse_rows_total counter\nvmpulse_rows_total 7\n"));
}

TEST(Registry, HistogramIsCumulativeWithSumAndCount) {
  Registry registry;
  Histogram& h = registry.histogram("vmpulse_d_seconds", "D.", {0.1, 1}, {{"route", "ingest"}});
  h.observe(0.05);
  h.observe(0.1);  // a bound is inclusive (le)
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(registry.render(),
            "# HELP vmpulse_d_seconds D.\n"
            "# TYPE vmpulse_d_seconds histogram\n"
            "vmpulse_d_seconds_bucket{route=\"ingest\",le=\"0.1\"} 2\n"
            "vmpulse_d_seconds_bucket{route=\"ingest\",le=\"1\"} 3\n"
            "vmpulse_d_seconds_bucket{route=\"ingest\",le=\"+Inf\"} 4\n"
            "vmpulse_d_seconds_sum{route=\"ingest\"} 7.65\n"
            "vmpulse_d_seconds_count{route=\"ingest\"} 4\n");
}

TEST(Registry, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.counter("vmpulse_e_total", "a\\b\nc", {{"v", "q\"\\\n"}});
  const auto text = registry.render();
  EXPECT_TRUE(contains(text, "# HELP vmpulse_e_total a\\\\b\\nc\n"));
  EXPECT_TRUE(contains(text, "vmpulse_e_total{v=\"q\\\"\\\\\\n\"} 0\n"));
}

TEST(Registry, MistakesAreRefused) {
  Registry registry;
  registry.counter("vmpulse_a_total", "A.", {{"op", "x"}});
  EXPECT_THROW(registry.counter("vmpulse_a_total", "A.", {{"op", "x"}}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("vmpulse_a_total", "A."), std::invalid_argument);
  EXPECT_THROW(registry.counter("vmpulse_a_total", "Other help.", {{"op", "y"}}),
               std::invalid_argument);
  EXPECT_THROW(registry.counter("vmpulse_a_total", "A.", {{"kind", "y"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("1bad", "B."), std::invalid_argument);
  EXPECT_THROW(registry.counter("vmpulse_b", "B.", {{"le", "1"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("vmpulse_b", "B.", {{"a-b", "1"}}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("vmpulse_h", "H.", {1, 1}), std::invalid_argument);
  EXPECT_FALSE(contains(registry.render(), "vmpulse_h"));
}

TEST(Registry, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  Counter& c = registry.counter("vmpulse_c_total", "C.");
  Histogram& h = registry.histogram("vmpulse_h_seconds", "H.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(c.value(), 40'000u);
  EXPECT_EQ(h.cumulative_counts().back(), 40'000u);
  EXPECT_DOUBLE_EQ(h.sum(), 20'000.0);
}

TEST(HttpMetrics, RoutesAreNamesNotPaths) {
  Registry registry;
  http::HttpMetrics metrics(registry, {{"ingest", "/api/metrics", false},
                                       {"history", "/api/history", false},
                                       {"vm", "/api/vms/", true}});
  EXPECT_EQ(metrics.route_of("/api/metrics"), 0u);
  EXPECT_EQ(metrics.route_of("/api/vms/web-1"), 2u);
  EXPECT_EQ(metrics.route_of("/api/metrics/x"), metrics.other_route());
  EXPECT_EQ(metrics.route_of("/anything"), metrics.other_route());
  metrics.observe(0, 201, std::chrono::milliseconds(3));
  metrics.observe(metrics.other_route(), 404, std::chrono::milliseconds(1));
  metrics.observe(metrics.other_route(), 999, std::chrono::milliseconds(1));  // not a status
  const auto text = registry.render();
  EXPECT_TRUE(contains(text, "vmpulse_http_requests_total{route=\"ingest\",code=\"201\"} 1\n"));
  EXPECT_TRUE(contains(text, "vmpulse_http_requests_total{route=\"other\",code=\"404\"} 1\n"));
  EXPECT_TRUE(contains(
      text, "vmpulse_http_request_duration_seconds_bucket{route=\"ingest\",le=\"0.005\"} 1\n"));
  EXPECT_TRUE(contains(text, "vmpulse_http_request_duration_seconds_count{route=\"other\"} 2\n"));
  EXPECT_FALSE(contains(text, "code=\"200\""));
}

TEST(HttpMetrics, ServeMetricsAnswersOnlyReadsOfTheMetricsPath) {
  auto registry = std::make_shared<Registry>();
  registry->counter("vmpulse_z_total", "Z.").inc();
  int inner_calls = 0;
  auto handler = http::serve_metrics(registry, [&](http::Request&&, const http::Respond& respond) {
    ++inner_calls;
    respond(http::Response::text(200, "inner"));
  });
  std::vector<http::Response> answers;
  auto call = [&](std::string method, std::string path) {
    http::Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    handler(std::move(request), [&](http::Response r) { answers.push_back(std::move(r)); });
  };
  call("GET", "/metrics");
  call("POST", "/metrics");
  call("GET", "/livez");
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].content_type, kContentType);
  EXPECT_TRUE(contains(answers[0].body, "vmpulse_z_total 1\n"));
  EXPECT_EQ(answers[1].body, "inner");
  EXPECT_EQ(inner_calls, 2);
}

}  // namespace
}  // namespace vmpulse::metrics
