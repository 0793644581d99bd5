#include "http_api.hpp"

#include "alert_api.hpp"
#include "alert_store.hpp"
#include "history_query.hpp"
#include "processes_query.hpp"
#include "rollup.hpp"
#include "vm_filter.hpp"

namespace vmpulse::hub {
namespace {

http::Response split_from_db(db::Connection& connection) {
  Split split;
  for (const auto& row : connection.query("SELECT api, total FROM metricas_por_api")) {
    if (row[0] && row[1]) {
      split.per_api[*row[0]] = std::stoull(*row[1]);
    }
  }
  return http::Response::json(200, encode_split_answer(split));
}

http::Response method_not_allowed(std::string_view allow) {
  http::Response response = http::Response::error(
      405, "method_not_allowed", "use " + std::string(allow.substr(0, allow.rfind(','))));
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

http::Response no_content() {
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

// GET /api/alerts, POST /api/silences, DELETE /api/silences/ID and ?vm=.
void serve_alerts(const HttpApi& api, http::Request&& request, http::Respond respond) {
  const std::int64_t now = api.now();
  if (request.path == "/api/alerts") {
    if (request.method != "GET" && request.method != "HEAD") {
      return respond(method_not_allowed("GET, HEAD, OPTIONS"));
    }
    auto parsed = parse_alerts_params(request, now);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return respond(http::Response::error(400, error->code, error->detail));
    }
    const AlertsParams params = std::get<AlertsParams>(parsed);
    std::string current = api.alerts ? api.alerts->alerts_json() : std::string(kNoAlerts);
    if (!params.since) {
      return respond(http::Response::json(200, std::move(current)));
    }
    if (!api.alerts) {
      return respond(http::Response::json(200, encode_alerts_with_history(current, {})));
    }
    return api.queries.submit(
        [params, current = std::move(current)](db::Connection& connection) {
          return http::Response::json(
              200, encode_alerts_with_history(
                       current, load_history(connection, *params.since, params.limit)));
        },
        std::move(respond));
  }
  const bool one = request.path.starts_with("/api/silences/");
  if (one ? request.method != "DELETE" : request.method != "POST" && request.method != "DELETE") {
    return respond(method_not_allowed(one ? "DELETE, OPTIONS" : "POST, DELETE, OPTIONS"));
  }
  if (!api.alerts) {
    return respond(
        http::Response::error(409, "alerts_off", "this hub runs without alert rules (--alerts)"));
  }
  AlertService* service = api.alerts;
  if (request.method == "POST") {
    auto parsed = parse_silence(request.body, now);
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return respond(http::Response::error(400, error->code, error->detail));
    }
    return api.queries.submit(
        [silence = std::get<Silence>(std::move(parsed)), now, service](db::Connection& connection) {
          if (count_silences(connection, now) >= kMaxSilences) {
            return http::Response::error(409, "too_many_silences",
                                         "at most " + std::to_string(kMaxSilences) +
                                             " silences in force; remove some first");
          }
          std::string out;
          append_silence(out, add_silence(connection, silence, now));
          service->refresh();
          return http::Response::json(201, std::move(out));
        },
        std::move(respond));
  }
  auto parsed = parse_silence_delete(request);
  if (auto* error = std::get_if<ParamError>(&parsed)) {
    return respond(http::Response::error(400, error->code, error->detail));
  }
  api.queries.submit(
      [target = std::get<SilenceDelete>(std::move(parsed)), service](db::Connection& connection) {
        if (target.id) {
          if (!remove_silence(connection, *target.id)) {
            return http::Response::error(404, "not_found",
                                         "no silence " + std::to_string(*target.id));
          }
        } else {
          remove_silences(connection, target.match);
        }
        service->refresh();
        return no_content();
      },
      std::move(respond));
}

}  // namespace

void HttpApi::operator()(http::Request&& request, http::Respond respond) const {
  const std::string& path = request.path;
  if (path == "/api/alerts" || path == "/api/silences" || path.starts_with("/api/silences/")) {
    return serve_alerts(*this, std::move(request), std::move(respond));
  }
  const bool known = path == "/livez" || path == "/readyz" || path == "/api/history" ||
                     path == "/api/split" || path == "/api/vms" || path == "/api/stats" ||
                     path == "/api/processes";
  if (!known) {
    return respond(http::Response::error(404, "not_found", "no such path: " + path));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response response = http::Response::error(405, "method_not_allowed", "use GET");
    // OPTIONS on /api/* is answered before this handler (with_cors, cors.hpp).
    response.headers.emplace_back("Allow",
                                  path.starts_with("/api/") ? "GET, HEAD, OPTIONS" : "GET, HEAD");
    return respond(std::move(response));
  }

  if (path == "/livez") {
    return respond(http::Response::alive());
  }
  if (path == "/readyz") {
    if (poller.ready()) {
      return respond(http::Response::json(200, R"({"status":"ready"})"));
    }
    return respond(database_unavailable("the database is unreachable or the hub is still loading"));
  }
  if (path == "/api/vms") {
    auto filter = parse_label_filter(request);
    if (auto* error = std::get_if<ParamError>(&filter)) {
      return respond(http::Response::error(400, error->code, error->detail));
    }
    return respond(http::Response::json(200, poller.vms_json(std::get<LabelFilter>(filter))));
  }
  if (path == "/api/stats") {
    return respond(http::Response::json(200, stats()));
  }
  if (path == "/api/split") {
    return queries.submit(split_from_db, std::move(respond));
  }

  if (path == "/api/processes") {
    auto parsed = parse_processes_params(request, now());
    if (auto* error = std::get_if<ParamError>(&parsed)) {
      return respond(http::Response::error(400, error->code, error->detail));
    }
    return queries.submit(
        [params = std::get<ProcessesParams>(std::move(parsed))](db::Connection& connection) {
          return processes_response(params, connection.query(processes_sql(params)));
        },
        std::move(respond));
  }

  auto parsed = parse_history_params(request, now());
  if (auto* error = std::get_if<ParamError>(&parsed)) {
    return respond(http::Response::error(400, error->code, error->detail));
  }
  HistoryParams params = std::move(std::get<HistoryParams>(parsed));
  queries.submit(
      [params = std::move(params), limits = HistoryLimits{max_raw_seconds, tier_days, now()}](
          db::Connection& connection) { return history_response(connection, params, limits); },
      std::move(respond));
}

}  // namespace vmpulse::hub
