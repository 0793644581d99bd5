// GET /api/processes?vm=NAME&at=T: the process list (procesos_top) a VM reported at or
// just before T, for the dashboard's "what was running then". Parameter parsing, the SQL
// (one row from the (vm, hora) index) and the answer as plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "history_query.hpp"
#include "vmpulse/db.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

// How far before `at` a row still answers: a few samples' worth at the agents' 1 s
// interval, and more than the ingest routes' retry window, so a VM that was up answers.
inline constexpr std::int64_t kProcessesLookbackSeconds = 300;

struct ProcessesParams {
  std::string vm;
  std::int64_t at = 0;  // Unix seconds, inclusive
};

// vm required (the contract's vm rule); at as history's times, default `now`.
std::variant<ProcessesParams, ParamError> parse_processes_params(const http::Request& request,
                                                                 std::int64_t now);

// SELECT hora, procesos_top: the newest row of the VM with hora in [at - 5 min, at] and
// procesos_top not NULL.
std::string processes_sql(const ProcessesParams& params);

// 200 {"vm":…,"hora":…,"procesos_top":[{…},…]} (the stored list in the contract's form,
// append_processes_from_stored) from processes_sql's rows; 404 {"error":"not_found",…}
// when there is none; 500 when the row or its list is malformed.
http::Response processes_response(const ProcessesParams& params, const std::vector<db::Row>& rows);

}  // namespace vmpulse::hub
