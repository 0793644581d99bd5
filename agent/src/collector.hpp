// One collection: reads every source (module first, procfs as the fallback) into a
// Sample — the record plus where each value came from and what failed. Used by the
// sampler thread only; not thread-safe (it keeps the previous CPU reading and the last
// good value of each source).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cpu_source.hpp"
#include "memory_source.hpp"
#include "module_source.hpp"
#include "process_source.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::agent {

enum class Origin { none, module, procfs };
const char* origin_name(Origin origin);

// What happened to one source (cpu, memory, processes) in the latest collection.
struct SourceReport {
  const char* name = "";
  std::string module_path;
  std::string procfs_path;
  Origin from = Origin::none;  // where this collection's value came from
  bool ok = false;             // false: both readers failed, the value is the last good one
  bool module_loaded = false;  // the module's file exists
  double duration_seconds = 0;
  std::string module_error;  // this collection's, empty when none
  std::string procfs_error;  // this collection's, empty when none (for processes: skipped files)
  std::string last_error;    // the most recent error of any collection, kept until replaced
  std::string last_error_hora;
};

struct Sample {
  Record record;
  std::array<SourceReport, 3> sources;  // cpu, memory, processes
  std::chrono::system_clock::time_point taken;
  std::uint64_t sequence = 0;  // 1 for the first collection
};

// A frozen clock makes the output reproducible for the fixture tests: `hora` is the
// given time and every duration is 0.
struct Clock {
  std::optional<std::chrono::system_clock::time_point> frozen;
  std::chrono::system_clock::time_point wall() const {
    return frozen ? *frozen : std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady() const {
    return frozen ? std::chrono::steady_clock::time_point{} : std::chrono::steady_clock::now();
  }
};

struct CollectorOptions {
  std::string procfs = "/proc";
  std::string module_id = "so1";
  std::string vm;
  Clock clock;
};

class Collector {
 public:
  explicit Collector(CollectorOptions options);
  Sample collect();

 private:
  CollectorOptions options_;
  ModuleReader modules_;
  CpuReader cpu_;
  MemoryReader memory_;
  ProcessReader processes_;
  // The last good value of each source, used when both of its readers fail. Before the
  // first good value these are zeros (which the contract accepts), reported as not ok.
  CpuUsage last_cpu_ = usage_from_percent(0.0);
  Memory last_memory_;
  ProcessCounts last_processes_;
  std::array<SourceReport, 3> reports_;
  std::uint64_t sequence_ = 0;
};

}  // namespace vmpulse::agent
