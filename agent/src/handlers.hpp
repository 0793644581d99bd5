// The agent's HTTP endpoints as one plain function: request in, response out, served
// from the latest snapshot only (never from /proc). Thread-safe.
//
//   GET /metrics              the record as JSON (Prometheus text for Accept: text/plain)
//   GET /metrics/prometheus   Prometheus text exposition
//   GET /metrics/sources      where each value came from and each source's last error
//   GET /livez                the process is alive
//   GET /readyz               200 once the first sample exists, 503 before
#pragma once

#include "snapshot.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::agent {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

http::Response handle_request(const http::Request& request, const SnapshotStore& store);

// Whether an Accept header asks for the text format rather than JSON.
bool wants_prometheus_text(std::string_view accept);

}  // namespace vmpulse::agent
