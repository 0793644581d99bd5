// The hub's HTTP endpoints as plain functions: /api/history, /api/processes, /api/split,
// /api/vms, /api/alerts, /api/silences (alert_api.hpp), /livez, /readyz (the viewer check
// in front of them is viewer_api.hpp). Database work goes to the QueryRunner; everything else is
// answered from the poller's state. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "alert_service.hpp"
#include "poller.hpp"
#include "query_runner.hpp"
#include "rollup.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

struct HttpApi {
  Poller& poller;
  QueryRunner& queries;
  std::function<std::int64_t()> now;   // Unix seconds, for history's defaults
  std::function<std::string()> stats;  // GET /api/stats: the hub's counters as JSON
  std::int64_t max_raw_seconds = kDefaultMaxRawSeconds;  // raw history's longest span
  TierDays tier_days;                                    // what each history tier holds
  AlertService* alerts = nullptr;  // none: alerts are off (empty lists, no silences)

  void operator()(http::Request&& request, http::Respond respond) const;
};

}  // namespace vmpulse::hub
