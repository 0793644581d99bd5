#include "processes_query.hpp"

#include <utility>

#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/processes_json.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;

std::variant<ProcessesParams, ParamError> parse_processes_params(const http::Request& request,
                                                                 std::int64_t now) {
  ProcessesParams params;
  auto vm = vm_param(request);
  if (auto* error = std::get_if<ParamError>(&vm)) {
    return std::move(*error);
  }
  params.vm = std::get<std::string>(std::move(vm));
  params.at = now;
  if (const auto at = request.query_param("at"); at && !at->empty()) {
    const auto parsed = parse_time(*at);
    if (!parsed) {
      return ParamError{"invalid_parameter",
                        "at must be YYYY-MM-DD HH:MM:SS (UTC) or Unix seconds"};
    }
    params.at = *parsed;
  }
  return params;
}

std::string processes_sql(const ProcessesParams& params) {
  // vm passed valid_vm_name, so it needs no escaping inside quotes.
  return "SELECT hora, procesos_top FROM metricas WHERE vm = '" + params.vm + "' AND hora >= '" +
         format_utc(params.at - kProcessesLookbackSeconds) + "' AND hora <= '" +
         format_utc(params.at) +
         "' AND procesos_top IS NOT NULL ORDER BY hora DESC, id DESC LIMIT 1";
}

http::Response processes_response(const ProcessesParams& params, const std::vector<db::Row>& rows) {
  if (rows.empty()) {
    return http::Response::error(
        404, "not_found",
        "no process list of " + params.vm + " in the 5 minutes up to " + format_utc(params.at));
  }
  const db::Row& row = rows.front();
  if (row.size() != 2 || !row[0] || !row[1]) {
    return http::Response::error(500, "internal_error", "the process list row is malformed");
  }
  const std::string& stored = *row[1];
  std::string out;
  out.reserve(64 + params.vm.size() + 2 * stored.size());  // the object form's keys
  out += "{\"vm\":";
  append_json_string(out, params.vm);
  out += ",\"hora\":";
  append_json_string(out, *row[0]);
  out += ",\"procesos_top\":";
  if (auto error = append_processes_from_stored(out, stored)) {
    return http::Response::error(500, "internal_error",
                                 "the stored procesos_top is malformed: " + *error);
  }
  out += '}';
  return http::Response::json(200, std::move(out));
}

}  // namespace vmpulse::hub
