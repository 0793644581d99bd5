// Request metrics for core's HTTP server, so that every vmpulse server counts the same
// way: vmpulse_http_requests_total{route,code} and
// vmpulse_http_request_duration_seconds{route}, where `route` is one of the names the
// server declares (or "other"), never the raw path, so a stranger cannot add series.
// Server::set_metrics hands every answered request to observe(); the time runs from the
// request's first byte to the moment its answer is handed to the socket. WebSocket
// upgrades are not counted (they are not answered by the server).
//
// Also serve_metrics(): the GET /metrics endpoint in front of a server's handler.
// Thread-safe (fixed at construction; updates are relaxed atomics).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vmpulse/http.hpp"
#include "vmpulse/metrics.hpp"

namespace vmpulse::http {

struct MetricsRoute {
  std::string name;  // the `route` label
  std::string path;  // matched exactly, or as a prefix when `prefix`
  bool prefix = false;
};

class HttpMetrics {
 public:
  // Registers the two families in `registry` for `routes` plus "other". Status codes
  // 100-599 each get a series, shown once non-zero.
  HttpMetrics(metrics::Registry& registry, std::vector<MetricsRoute> routes);

  // The route's index for observe(); routes.size() ("other") when none matches.
  std::size_t route_of(std::string_view path) const noexcept;
  std::size_t other_route() const noexcept { return routes_.size(); }
  void observe(std::size_t route, int status, std::chrono::steady_clock::duration took) noexcept;

 private:
  struct PerRoute {
    std::vector<metrics::Counter*> by_status;  // status - 100
    metrics::Histogram* duration = nullptr;
  };
  std::vector<MetricsRoute> routes_;
  std::vector<PerRoute> per_route_;  // routes_ then "other"
};

// The path the metrics are served on by every vmpulse server.
inline constexpr std::string_view kMetricsPath = "/metrics";

// Whether the request is a read of the metrics (GET or HEAD /metrics).
bool is_metrics_read(std::string_view method, std::string_view path) noexcept;

// Answers GET and HEAD /metrics with `registry`'s text, and hands every other request
// to `inner` (no credential is asked: like /livez, the metrics carry counts, not data).
// A server with a header check lets is_metrics_read() requests through it.
Handler serve_metrics(std::shared_ptr<const metrics::Registry> registry, Handler inner);

}  // namespace vmpulse::http
