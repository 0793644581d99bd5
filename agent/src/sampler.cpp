#include "sampler.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace vmpulse::agent {

Sampler::Sampler(Collector collector, std::chrono::milliseconds interval, SnapshotStore& store,
                 AgentInfo info, OnSample on_sample, ExtraMetrics extra_metrics)
    : collector_(std::move(collector)),
      interval_(interval),
      store_(store),
      info_(std::move(info)),
      on_sample_(std::move(on_sample)),
      extra_metrics_(std::move(extra_metrics)) {}

Sampler::~Sampler() { stop(); }

void Sampler::start() {
  thread_ = std::thread([this] { run(); });
}

void Sampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Sampler::sample_once() {
  Sample sample = collector_.collect();
  std::string json = to_json(sample.record);  // once: served and pushed alike
  // Handed to the pusher first, so that the published push metrics include it.
  if (on_sample_) {
    on_sample_(sample.record.vm, json);
  }
  store_.publish(render_snapshot(std::move(sample), std::move(json), info_,
                                 extra_metrics_ ? extra_metrics_() : std::string()));
}

std::chrono::system_clock::time_point next_tick(std::chrono::system_clock::time_point now,
                                                std::chrono::milliseconds interval) {
  using std::chrono::milliseconds;
  const auto since_epoch = std::chrono::duration_cast<milliseconds>(now.time_since_epoch());
  return std::chrono::system_clock::time_point(since_epoch - since_epoch % interval + interval);
}

void Sampler::run() {
  using std::chrono::system_clock;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      sample_once();
    } catch (const std::exception& error) {
      // Readers report their own errors; this is only for the unexpected (bad_alloc).
      spdlog::error("sampling failed: {}", error.what());
    }
    // A burst of connections leaves freed buffers that glibc keeps mapped; giving them
    // back once per interval keeps the idle footprint small (microseconds on a small heap).
    ::malloc_trim(0);
    lock.lock();
    // The next multiple of the interval on the wall clock (a suspended VM skips the
    // ticks it missed rather than bursting). The record's `hora` has whole seconds, so
    // a sample taken just after the second is stamped with the time it was taken, and
    // "now - hora" on the dashboard is the real delay. The wait is repeated in short
    // steps of the steady clock so that a wall clock that jumps is followed.
    const auto tick = next_tick(system_clock::now(), interval_);
    while (!stopping_) {
      const auto left = tick - system_clock::now();
      if (left <= system_clock::duration::zero()) {
        break;
      }
      wake_.wait_for(lock, std::min<system_clock::duration>(left, std::chrono::seconds(1)));
    }
  }
}

}  // namespace vmpulse::agent
