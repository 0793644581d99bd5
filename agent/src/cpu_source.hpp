// CPU usage from <procfs>/stat: the aggregate "cpu" line's tick counters, and the
// share of non-idle ticks between two readings. Parsers are pure; CpuReader keeps the
// previous reading and is used by the sampler thread only (not thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "result.hpp"

namespace vmpulse::agent {

// Ticks since boot of the aggregate "cpu" line (guest time is already inside user).
struct CpuTimes {
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                steal = 0;

  std::uint64_t total() const {
    return user + nice + system + idle + iowait + irq + softirq + steal;
  }
  // Waiting for I/O is idle time: the CPU could have run something else.
  std::uint64_t idle_total() const { return idle + iowait; }
  bool operator==(const CpuTimes&) const = default;
};

struct CpuUsage {
  double used_percent = 0;    // two decimals
  double free_percent = 100;  // exactly 100 - used_percent
  bool operator==(const CpuUsage&) const = default;
};

// The first line of /proc/stat ("cpu  user nice system idle iowait irq softirq steal …").
// Older kernels print fewer columns; at least four are required.
Result<CpuTimes> parse_proc_stat(std::string_view text);

// Usage between two readings. Without a previous reading, or when a counter went
// backwards (CPU hot-unplug), the average since boot.  When no tick elapsed it is
// nullopt: the caller keeps the usage it had.
std::optional<CpuUsage> cpu_usage_between(const std::optional<CpuTimes>& previous,
                                          const CpuTimes& current);

// The shares of the interval's ticks spent waiting for the hypervisor (steal: the VM
// was runnable but another guest had the physical CPU) and idle with I/O outstanding
// (iowait), on the same ticks as cpu_usage_between; percent, two decimals.
struct CpuShares {
  double steal_percent = 0;
  double iowait_percent = 0;
  bool operator==(const CpuShares&) const = default;
};
std::optional<CpuShares> cpu_shares_between(const std::optional<CpuTimes>& previous,
                                            const CpuTimes& current);

// Rounds to two decimals and makes the free share its exact complement (the contract
// wants uso + libre = 100).
CpuUsage usage_from_percent(double used_percent);

class CpuReader {
 public:
  explicit CpuReader(std::string stat_path) : path_(std::move(stat_path)) {}
  // Reads the file and answers the usage since the previous call.
  Result<CpuUsage> read();
  const std::string& path() const { return path_; }
  // Of the last successful read(): steal and iowait over the same ticks as its usage.
  const std::optional<CpuShares>& shares() const { return shares_; }
  // The counters of the last successful read (all CPUs' ticks since boot).
  const std::optional<CpuTimes>& latest() const { return previous_; }

 private:
  std::string path_;
  std::optional<CpuTimes> previous_;
  std::optional<CpuUsage> last_;
  std::optional<CpuShares> shares_;
};

}  // namespace vmpulse::agent
