// The latest sample, rendered once per interval into every form the HTTP endpoints
// serve, so that a request only copies bytes. SnapshotStore hands the current
// Snapshot to any number of reader threads while the sampler replaces it.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "collector.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::agent {

// The Server header of every answer (prepared answers carry it in their bytes).
inline constexpr const char* kServerName = "vmpulse-agent";
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

struct AgentInfo {
  std::string module_id;
  std::string version;
  bool process_metrics = false;  // per-process series of procesos_top (--process-metrics)
};

struct Snapshot {
  Sample sample;
  std::string json;        // the record (contract)
  std::string prometheus;  // text exposition format 0.0.4
  std::string sources;     // JSON: where each value came from, errors
  // The 200 answers with the three above, serialized for the HTTP server's fast path.
  std::shared_ptr<const http::PreparedResponse> json_answer;
  std::shared_ptr<const http::PreparedResponse> prometheus_answer;
  std::shared_ptr<const http::PreparedResponse> sources_answer;
};

std::string render_prometheus(const Sample& sample, const AgentInfo& info);
std::string render_sources(const Sample& sample);
// `record_json` is to_json(sample.record), encoded once per sample by the sampler (the
// pusher sends the same bytes); `extra_prometheus` is appended to the exposition (the
// pusher's metrics).
std::shared_ptr<const Snapshot> render_snapshot(Sample sample, std::string record_json,
                                                const AgentInfo& info,
                                                const std::string& extra_prometheus = {});

// Thread-safe. Readers get a shared_ptr that stays valid while they send it.
class SnapshotStore {
 public:
  void publish(std::shared_ptr<const Snapshot> snapshot);
  std::shared_ptr<const Snapshot> latest() const;  // null before the first sample

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> latest_;
};

}  // namespace vmpulse::agent
