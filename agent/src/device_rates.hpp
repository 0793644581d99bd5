// Throughput from per-device counters (block devices' sectors, interfaces' bytes)
// between two readings, summed over the devices. Not thread-safe (keeps the previous
// reading); allocates only when the device list grows.
//
// Rules: the first reading gives no rate (absent, not 0); a device present in both
// readings contributes its counters' growth; one that vanished contributes nothing;
// one that appeared starts contributing at the next reading. A counter that went back
// from a value that fits in 32 bits wrapped at 2^32 (32-bit kernels' unsigned long);
// from a larger value it was reset (driver reloaded) and contributes nothing this once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vmpulse::agent {

struct DeviceCounters {
  std::string name;
  std::uint64_t in = 0;   // read sectors, received bytes
  std::uint64_t out = 0;  // written sectors, transmitted bytes
  bool operator==(const DeviceCounters&) const = default;
};

struct Throughput {
  double in_kib_s = 0;  // two decimals
  double out_kib_s = 0;
  bool operator==(const Throughput&) const = default;
};

// The growth of one counter between two readings, by the rules above.
std::uint64_t counter_delta(std::uint64_t previous, std::uint64_t current);

class DeviceRates {
 public:
  // `unit_bytes`: bytes per counter unit (512 for diskstats sectors, 1 for bytes).
  explicit DeviceRates(std::uint64_t unit_bytes) : unit_bytes_(unit_bytes) {}

  // `current` is this reading (any order; it is sorted, then swapped with the previous
  // one so that the caller's next parse reuses its strings). `seconds` is when it was
  // taken on a monotonic clock. nullopt on the first reading or when no time elapsed.
  std::optional<Throughput> update(std::vector<DeviceCounters>& current, double seconds);

  // Forgets the previous reading (a failed read: the next one starts afresh).
  void reset() {
    previous_seconds_.reset();
    previous_.clear();
  }

  // The counters of the last update(), sorted by name; empty after reset().
  const std::vector<DeviceCounters>& reading() const { return previous_; }

 private:
  std::uint64_t unit_bytes_;
  std::vector<DeviceCounters> previous_;
  std::optional<double> previous_seconds_;
};

}  // namespace vmpulse::agent
