// The agent's HTTP endpoints as one plain function: request in, response out, served
// from the latest snapshot only (never from /proc). Thread-safe. Every 200 and 503 is
// prepared once (the snapshot's when a sample is rendered, the fixed ones at first
// use), so that the server's fast path writes a shared buffer without building a
// Request or a Response; errors (404, 405) go the ordinary way.
//
//   GET /metrics              the record as JSON (Prometheus text for Accept: text/plain)
//   GET /metrics/prometheus   Prometheus text exposition
//   GET /metrics/sources      where each value came from and each source's last error
//   GET /livez                the process is alive
//   GET /readyz               200 once the first sample exists, 503 before
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "snapshot.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::agent {

http::Response handle_request(const http::Request& request, const SnapshotStore& store);

// The prepared answer to a GET of `path` with that Accept header; null when the path is
// not an endpoint. handle_request answers a GET with a copy of its response.
std::shared_ptr<const http::PreparedResponse> prepared_get(std::string_view path,
                                                           std::optional<std::string_view> accept,
                                                           const SnapshotStore& store);

// Whether an Accept header asks for the text format rather than JSON.
bool wants_prometheus_text(std::string_view accept);

}  // namespace vmpulse::agent
