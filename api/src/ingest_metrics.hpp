// What the ingest queue reports on /metrics: records stored, commit durations and
// database errors by operation (queue depth is read from IngestQueue::stats() when
// scraped). Registered once at start-up; the updates are relaxed atomics (metrics.hpp).
// Thread-safe.
#pragma once

#include "vmpulse/metrics.hpp"

namespace vmpulse::api {

struct IngestMetrics {
  metrics::Counter& records_stored;
  metrics::Histogram& commit_duration;
  metrics::Counter& connect_errors;
  metrics::Counter& commit_errors;
  metrics::Counter& ping_errors;

  static IngestMetrics registered(metrics::Registry& registry) {
    constexpr const char* kDbErrors = "Database operations that failed, by operation.";
    return {
        registry.counter("vmpulse_ingest_records_stored_total",
                         "Records committed to the database (replays not counted)."),
        registry.histogram("vmpulse_ingest_commit_duration_seconds",
                           "Time to store one group of requests in one transaction.",
                           metrics::duration_buckets()),
        registry.counter("vmpulse_db_errors_total", kDbErrors, {{"op", "connect"}}),
        registry.counter("vmpulse_db_errors_total", kDbErrors, {{"op", "commit"}}),
        registry.counter("vmpulse_db_errors_total", kDbErrors, {{"op", "ping"}}),
    };
  }
};

}  // namespace vmpulse::api
