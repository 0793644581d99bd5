// The sampler thread: one collection per interval, on the wall clock's multiples of
// it, handed to the pusher (when push mode is on), then rendered and published to the
// SnapshotStore. start/stop are called from the main thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "collector.hpp"
#include "snapshot.hpp"

namespace vmpulse::agent {

// The first multiple of `interval` since the epoch after `now`: samples are taken on
// these ticks, so that (at whole seconds) the record's `hora` is when it was taken.
std::chrono::system_clock::time_point next_tick(std::chrono::system_clock::time_point now,
                                                std::chrono::milliseconds interval);

class Sampler {
 public:
  // A sample's VM and its record as JSON (to_json), the bytes GET /metrics answers.
  using OnSample = std::function<void(const std::string& vm, const std::string& record_json)>;
  using ExtraMetrics = std::function<std::string()>;
  Sampler(Collector collector, std::chrono::milliseconds interval, SnapshotStore& store,
          AgentInfo info, OnSample on_sample = {}, ExtraMetrics extra_metrics = {});
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void start();
  void stop();  // wakes the thread and joins it; idempotent

  // One collection, published; what the thread does each interval (tests call it).
  void sample_once();

 private:
  void run();

  Collector collector_;
  std::chrono::milliseconds interval_;
  SnapshotStore& store_;
  AgentInfo info_;
  OnSample on_sample_;
  ExtraMetrics extra_metrics_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vmpulse::agent
