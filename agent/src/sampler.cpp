#include "sampler.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

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
  const Record record = sample.record;
  // Handed to the pusher first, so that the published push metrics include it.
  if (on_sample_) {
    on_sample_(record);
  }
  store_.publish(
      render_snapshot(std::move(sample), info_, extra_metrics_ ? extra_metrics_() : std::string()));
}

void Sampler::run() {
  using clock = std::chrono::steady_clock;
  auto next = clock::now();
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
    next += interval_;
    const auto now = clock::now();
    if (next < now) {
      next = now + interval_;  // fell behind (suspended VM): skip, do not burst
    }
    wake_.wait_until(lock, next, [this] { return stopping_; });
  }
}

}  // namespace vmpulse::agent
