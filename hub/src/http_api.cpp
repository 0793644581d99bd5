#include "http_api.hpp"

#include "history_query.hpp"
#include "rollup.hpp"

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

}  // namespace

void HttpApi::operator()(http::Request&& request, http::Respond respond) const {
  const std::string& path = request.path;
  const bool known = path == "/livez" || path == "/readyz" || path == "/api/history" ||
                     path == "/api/split" || path == "/api/vms" || path == "/api/stats";
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
    return respond(http::Response::json(200, R"({"status":"alive"})"));
  }
  if (path == "/readyz") {
    if (poller.ready()) {
      return respond(http::Response::json(200, R"({"status":"ready"})"));
    }
    return respond(database_unavailable("the database is unreachable or the hub is still loading"));
  }
  if (path == "/api/vms") {
    return respond(http::Response::json(200, poller.vms_json()));
  }
  if (path == "/api/stats") {
    return respond(http::Response::json(200, stats()));
  }
  if (path == "/api/split") {
    return queries.submit(split_from_db, std::move(respond));
  }

  auto parsed = parse_history_params(request, now());
  if (auto* error = std::get_if<ParamError>(&parsed)) {
    return respond(http::Response::error(400, error->code, error->detail));
  }
  HistoryParams params = std::move(std::get<HistoryParams>(parsed));
  queries.submit(
      [params = std::move(params), limit = max_raw_seconds](db::Connection& connection) {
        return history_response(connection, params, limit);
      },
      std::move(respond));
}

}  // namespace vmpulse::hub
