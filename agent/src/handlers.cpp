#include "handlers.hpp"

#include <array>
#include <string_view>

namespace vmpulse::agent {
namespace {

enum class Route { metrics, prometheus, sources, livez, readyz };

struct RouteEntry {
  std::string_view path;
  Route route;
};

constexpr std::array<RouteEntry, 5> kRoutes{{{"/metrics", Route::metrics},
                                             {"/metrics/prometheus", Route::prometheus},
                                             {"/metrics/sources", Route::sources},
                                             {"/livez", Route::livez},
                                             {"/readyz", Route::readyz}}};

http::Response not_ready() {
  auto response = http::Response::error(503, "not_ready", "no sample has been taken yet");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

http::Response prometheus(const Snapshot& snapshot) {
  return http::Response::text(200, snapshot.prometheus, kPrometheusContentType);
}

}  // namespace

bool wants_prometheus_text(std::string_view accept) {
  // Prometheus itself sends "application/openmetrics-text…,text/plain;version=0.0.4…";
  // a client that names JSON anywhere gets JSON.
  const bool text = accept.find("text/plain") != std::string_view::npos ||
                    accept.find("application/openmetrics-text") != std::string_view::npos;
  return text && accept.find("application/json") == std::string_view::npos;
}

http::Response handle_request(const http::Request& request, const SnapshotStore& store) {
  const RouteEntry* entry = nullptr;
  for (const RouteEntry& candidate : kRoutes) {
    if (candidate.path == request.path) {
      entry = &candidate;
    }
  }
  if (entry == nullptr) {
    return http::Response::error(404, "not_found", "no such path: " + request.path);
  }
  if (request.method != "GET") {
    auto response =
        http::Response::error(405, "method_not_allowed", request.method + " is not allowed here");
    response.headers.emplace_back("Allow", "GET");
    return response;
  }
  if (entry->route == Route::livez) {
    return http::Response::json(200, "{\"status\":\"alive\"}");
  }
  const auto snapshot = store.latest();
  if (!snapshot) {
    return not_ready();
  }
  switch (entry->route) {
    case Route::readyz:
      return http::Response::json(200, "{\"status\":\"ready\"}");
    case Route::prometheus:
      return prometheus(*snapshot);
    case Route::sources:
      return http::Response::json(200, snapshot->sources);
    case Route::metrics:
      if (auto accept = request.header("Accept"); accept && wants_prometheus_text(*accept)) {
        return prometheus(*snapshot);
      }
      return http::Response::json(200, snapshot->json);
    case Route::livez:
      break;
  }
  return http::Response::error(500, "internal", "unhandled route");
}

}  // namespace vmpulse::agent
