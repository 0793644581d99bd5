// The services' own metrics: counters, gauges and histograms that the api, the hub and
// the agent update on their hot paths and render as Prometheus text (exposition format
// 0.0.4, with HELP and TYPE) on GET /metrics.
//
// An update is one relaxed atomic operation (two for a histogram: its bucket and its
// sum), with no lock and no allocation, so that counting costs nothing a request would
// notice. Label values are fixed when a series is registered, so the number of series
// is bounded by the code, never by what a client sends.
//
// Thread-safety: registering takes the registry's lock (do it at start-up); updates
// from any thread at any time; render() takes the lock and reads every value once, so
// a scrape may see a histogram's sum and counts from slightly different instants.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vmpulse::metrics {

// Label name and value pairs, in the order they are rendered.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative buckets as Prometheus wants them, counted per bucket and summed at render.
class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, strictly increasing, finite; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value) noexcept {
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) {
      ++bucket;
    }
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Observations at or below each bound, then the total (+Inf).
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<double> sum_{0};
};

// Request durations: 1 ms to 10 s.
std::vector<double> duration_buckets();

// When a counter series is rendered: always (the default: a known series starts at 0),
// or only once it is non-zero (a grid such as route × status, most of which never occurs).
enum class Show { always, when_non_zero };

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each call adds one series (a name with a label set) and returns it; the reference
  // lives as long as the registry. Several series of one name share its HELP and TYPE.
  // Throws std::invalid_argument for a bad name or label, a name registered before
  // with another type, help or label names, or the same label set twice.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {},
                   Show show = Show::always);
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const Labels& labels = {});
  // A gauge read when rendered (a queue's depth, connected clients): `read` runs under
  // the registry's lock on the scraping thread and must not block for long.
  void gauge_function(std::string_view name, std::string_view help, std::function<double()> read,
                      const Labels& labels = {});

  // A counter read when rendered, from a count its owner keeps anyway (a component's
  // stats); `read` as for gauge_function, and it must never decrease.
  void counter_function(std::string_view name, std::string_view help,
                        std::function<std::uint64_t()> read, const Labels& labels = {});
  // The same for a count that is not a whole number (CPU seconds).
  void float_counter_function(std::string_view name, std::string_view help,
                              std::function<double()> read, const Labels& labels = {});

  // Prometheus text exposition format 0.0.4, families in registration order.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Series {
    std::string labels;  // rendered, without braces: name="value",…
    const Counter* counter = nullptr;
    Show show = Show::always;
    const Gauge* gauge = nullptr;
    std::function<double()> read;
    std::function<std::uint64_t()> read_count;
    const Histogram* histogram = nullptr;
  };
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::vector<std::string> label_names;
    std::vector<Series> series;
  };

  Series& add_series(std::string_view name, std::string_view help, Type type, const Labels& labels);

  mutable std::mutex mutex_;
  std::deque<Family> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

// The content type of render()'s text.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace vmpulse::metrics
