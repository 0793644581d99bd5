// One collection: reads every source (module first, procfs as the fallback) into a
// Sample — the record plus where each value came from and what failed. Used by the
// sampler thread only; not thread-safe (it keeps the previous readings the rates and
// shares are computed from, and the last good value of each source).
//
// cpu, memory and processes can come from the kernel modules and keep their last good
// value when both readers fail (the contract requires them); the version 2 sources
// read procfs (or statvfs) only and leave their fields absent when they fail, except
// procesos_top, built from the module's tareas list when procesos_<id> has a valid one
// and from the /proc scan otherwise.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cpu_source.hpp"
#include "disk_io_source.hpp"
#include "disk_space_source.hpp"
#include "load_source.hpp"
#include "memory_source.hpp"
#include "module_source.hpp"
#include "net_source.hpp"
#include "process_source.hpp"
#include "process_top.hpp"
#include "swap_source.hpp"
#include "uptime_source.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::agent {

enum class Origin { none, module, procfs };
const char* origin_name(Origin origin);

// The sources, in Sample::sources' order, are the kSources table of collector.cpp.
inline constexpr std::size_t kSourceCount = 11;

// What happened to one source in the latest collection.
struct SourceReport {
  const char* name = "";
  std::array<const char*, 5> fields{};  // the record fields it fills (nullptr-padded)
  // A failed source serves its last good value (cpu, memory, processes: the contract
  // requires their fields); the others leave their fields absent.
  bool keeps_last = false;
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
  std::array<SourceReport, kSourceCount> sources;  // in kSources' order
  // Each whole disk's (512-byte sectors) and interface's (bytes) counters since boot, as
  // this collection read them for disk_io and network (empty where that read failed):
  // the per-device Prometheus series, which the record sums.
  std::vector<DeviceCounters> disks;
  std::vector<DeviceCounters> interfaces;
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
  std::string rootfs = "/";    // the filesystem disco_total/disco_libre describe
  std::string sysfs = "/sys";  // where <sysfs>/block tells whole disks from partitions
  std::size_t top = 10;        // N of procesos_top, 0: off
  Labels labels{};             // every record's etiquetas (none: left out)
  StatUnits units = stat_units_of_this_machine();
};

// The report of the source registered as `name` (kSources), or nullptr.
const SourceReport* find_source(const Sample& sample, std::string_view name);

class Collector {
 public:
  explicit Collector(CollectorOptions options);
  Sample collect();

 private:
  struct Reads;   // what one collection reads once for several sources
  struct Source;  // an entry of kSources
  static const std::array<Source, kSourceCount> kSources;
  // The sources with more than one reader or a shared read (collector.cpp).
  void collect_cpu(Reads& reads, SourceReport& report);
  void collect_cpu_wait(Reads& reads, SourceReport& report);
  void collect_memory(Reads& reads, SourceReport& report);
  void collect_processes(Reads& reads, SourceReport& report);
  void collect_process_top(Reads& reads, SourceReport& report);

  CollectorOptions options_;
  ModuleReader modules_;
  CpuReader cpu_;
  MemoryReader memory_;
  ProcessReader processes_;
  LoadReader load_;
  SwapReader swap_;
  DiskSpaceReader disk_space_;
  DiskIoReader disk_io_;
  NetReader network_;
  UptimeReader uptime_;
  ProcessTop top_;
  Origin top_origin_ = Origin::none;  // where the list's previous samples came from
  std::vector<TaskSample> tasks_;     // reused by every scan
  // The last good value of each source, used when both of its readers fail. Before the
  // first good value these are zeros (which the contract accepts), reported as not ok.
  CpuUsage last_cpu_ = usage_from_percent(0.0);
  Memory last_memory_;
  ProcessCounts last_processes_;
  std::array<SourceReport, kSourceCount> reports_;
  std::uint64_t sequence_ = 0;
};

}  // namespace vmpulse::agent
