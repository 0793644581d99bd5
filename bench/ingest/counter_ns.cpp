// Nanoseconds per metrics update (core/include/vmpulse/metrics.hpp): a counter's
// relaxed add and a histogram observation, on one thread and on two threads updating
// the same series (the contended case of two HTTP threads counting the same route).
// Prints markdown list lines for bench/ingest/run.sh.
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "vmpulse/metrics.hpp"

namespace {

constexpr long kUpdates = 20'000'000;

template <class Update>
double ns_per_update(unsigned threads, Update update) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&update] {
      for (long i = 0; i < kUpdates; ++i) {
        update(i);
      }
    });
  }
  for (auto& thread : pool) {
    thread.join();
  }
  const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  return took.count() / kUpdates;  // wall time per update of one thread
}

}  // namespace

int main() {
  vmpulse::metrics::Counter counter;
  vmpulse::metrics::Histogram histogram(vmpulse::metrics::duration_buckets());
  for (unsigned threads : {1u, 2u}) {
    std::printf("- counter inc, %u thread(s) on one series: %.1f ns per update\n", threads,
                ns_per_update(threads, [&counter](long) { counter.inc(); }));
    std::printf("- histogram observe, %u thread(s) on one series: %.1f ns per update\n", threads,
                ns_per_update(threads, [&histogram](long i) {
                  histogram.observe(0.0001 * static_cast<double>(i % 1000));
                }));
  }
  return counter.value() > 0 ? 0 : 1;
}
