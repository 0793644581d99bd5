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

const RouteEntry* find_route(std::string_view path) {
  for (const RouteEntry& candidate : kRoutes) {
    if (candidate.path == path) {
      return &candidate;
    }
  }
  return nullptr;
}

using Prepared = std::shared_ptr<const http::PreparedResponse>;

const Prepared& not_ready() {
  static const Prepared answer = [] {
    auto response = http::Response::error(503, "not_ready", "no sample has been taken yet");
    response.headers.emplace_back("Retry-After", "1");
    return http::PreparedResponse::make(std::move(response), kServerName);
  }();
  return answer;
}

const Prepared& alive() {
  static const Prepared answer = http::PreparedResponse::make(http::Response::alive(), kServerName);
  return answer;
}

const Prepared& ready() {
  static const Prepared answer = http::PreparedResponse::make(
      http::Response::json(200, "{\"status\":\"ready\"}"), kServerName);
  return answer;
}

Prepared answer_get(Route route, std::optional<std::string_view> accept,
                    const SnapshotStore& store) {
  if (route == Route::livez) {
    return alive();
  }
  auto snapshot = store.latest();
  if (!snapshot) {
    return not_ready();
  }
  switch (route) {
    case Route::readyz:
      return ready();
    case Route::prometheus:
      return snapshot->prometheus_answer;
    case Route::sources:
      return snapshot->sources_answer;
    case Route::metrics:
      return accept && wants_prometheus_text(*accept) ? snapshot->prometheus_answer
                                                      : snapshot->json_answer;
    case Route::livez:
      break;
  }
  return nullptr;
}

}  // namespace

bool wants_prometheus_text(std::string_view accept) {
  // Prometheus itself sends "application/openmetrics-text…,text/plain;version=0.0.4…";
  // a client that names JSON anywhere gets JSON.
  const bool text = accept.find("text/plain") != std::string_view::npos ||
                    accept.find("application/openmetrics-text") != std::string_view::npos;
  return text && accept.find("application/json") == std::string_view::npos;
}

std::shared_ptr<const http::PreparedResponse> prepared_get(std::string_view path,
                                                           std::optional<std::string_view> accept,
                                                           const SnapshotStore& store) {
  const RouteEntry* entry = find_route(path);
  return entry == nullptr ? nullptr : answer_get(entry->route, accept, store);
}

http::Response handle_request(const http::Request& request, const SnapshotStore& store) {
  const RouteEntry* entry = find_route(request.path);
  if (entry == nullptr) {
    return http::Response::error(404, "not_found", "no such path: " + request.path);
  }
  if (request.method != "GET") {
    auto response =
        http::Response::error(405, "method_not_allowed", request.method + " is not allowed here");
    response.headers.emplace_back("Allow", "GET");
    return response;
  }
  if (auto answer = answer_get(entry->route, request.header("Accept"), store)) {
    return answer->response;
  }
  return http::Response::error(500, "internal_error", "unhandled route");
}

}  // namespace vmpulse::agent
