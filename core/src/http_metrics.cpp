#include "vmpulse/http_metrics.hpp"

#include <utility>

namespace vmpulse::http {
namespace {

constexpr int kFirstStatus = 100;
constexpr int kLastStatus = 599;

}  // namespace

HttpMetrics::HttpMetrics(metrics::Registry& registry, std::vector<MetricsRoute> routes)
    : routes_(std::move(routes)) {
  std::vector<std::string> names;
  names.reserve(routes_.size() + 1);
  for (const MetricsRoute& route : routes_) {
    names.push_back(route.name);
  }
  names.emplace_back("other");
  for (const std::string& name : names) {
    PerRoute& per = per_route_.emplace_back();
    for (int status = kFirstStatus; status <= kLastStatus; ++status) {
      per.by_status.push_back(&registry.counter(
          "vmpulse_http_requests_total", "HTTP requests answered, by route and status code.",
          {{"route", name}, {"code", std::to_string(status)}}, metrics::Show::when_non_zero));
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    per_route_[i].duration = &registry.histogram(
        "vmpulse_http_request_duration_seconds",
        "Time from a request's first byte to its answer being written, by route.",
        metrics::duration_buckets(), {{"route", names[i]}});
  }
}

std::size_t HttpMetrics::route_of(std::string_view path) const noexcept {
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const MetricsRoute& route = routes_[i];
    if (route.prefix ? path.starts_with(route.path) : path == route.path) {
      return i;
    }
  }
  return routes_.size();
}

void HttpMetrics::observe(std::size_t route, int status,
                          std::chrono::steady_clock::duration took) noexcept {
  PerRoute& per = per_route_[route < per_route_.size() ? route : routes_.size()];
  if (status >= kFirstStatus && status <= kLastStatus) {
    per.by_status[static_cast<std::size_t>(status - kFirstStatus)]->inc();
  }
  per.duration->observe(std::chrono::duration<double>(took).count());
}

bool is_metrics_read(std::string_view method, std::string_view path) noexcept {
  return path == kMetricsPath && (method == "GET" || method == "HEAD");
}

Handler serve_metrics(std::shared_ptr<const metrics::Registry> registry, Handler inner) {
  return [registry = std::move(registry), inner = std::move(inner)](Request&& request,
                                                                    Respond respond) {
    if (!is_metrics_read(request.method, request.path)) {
      inner(std::move(request), std::move(respond));
      return;
    }
    Response response = Response::text(200, registry->render(), std::string(metrics::kContentType));
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
  };
}

}  // namespace vmpulse::http
