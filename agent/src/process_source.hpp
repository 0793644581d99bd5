// Processes by state from <procfs>/[0-9]*/stat. The scan is the agent's hottest loop
// (one file per process every interval), so it reads each file with one read() into a
// stack buffer and allocates nothing per process. Stateless; thread-safe.
//
// State letters (proc(5)): R running; S, D (disk sleep), I (idle kernel thread)
// sleeping; Z zombie; T, t stopped; anything else (X dead, old W/K/P) counts only in
// the total. /proc lists thread-group leaders, so these are processes, not threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"
#include "task_sample.hpp"

namespace vmpulse::agent {

struct ProcessCounts {
  std::int64_t running = 0;
  std::int64_t sleeping = 0;
  std::int64_t zombie = 0;
  std::int64_t stopped = 0;
  std::int64_t total = 0;
  bool operator==(const ProcessCounts&) const = default;
};

// The state letter of one /proc/<pid>/stat text ("pid (comm) S ppid …"). The command
// name may itself contain ')' and spaces, so the state is after the *last* ')'.
// Returns '\0' when the text has no state there.
char parse_process_state(std::string_view stat) noexcept;

// The units of /proc/<pid>/stat's counters on this machine (sysconf: _SC_CLK_TCK and
// the page size); fixed for the tests.
struct StatUnits {
  std::uint64_t ticks_per_second = 100;
  std::uint64_t page_kib = 4;
};
StatUnits stat_units_of_this_machine();

// One process for procesos_top from its stat text: pid, comm (between the first '('
// and the last ')'), state, utime + stime (fields 14, 15), starttime (22), rss (24, in
// pages). Assigns into `task` (reusing its comm's storage); false when malformed.
bool parse_task_stat(std::string_view stat, const StatUnits& units, TaskSample& task);

// Adds one process in `state` to `counts`.
void count_process_state(ProcessCounts& counts, char state) noexcept;

struct ProcessScan {
  ProcessCounts counts;
  std::size_t malformed = 0;    // stat files without a state (counted nowhere)
  std::string first_malformed;  // "<pid>/stat" of the lowest such pid (readdir order varies)
};

// Scans every numeric entry of `procfs`. Processes that exit during the scan are not
// errors; only an unreadable `procfs` directory fails the whole scan. With `tasks`,
// also fills it with every counted process (its elements and their strings are reused
// from the previous scan, so a steady process table allocates nothing).
Result<ProcessScan> scan_processes(const char* procfs, std::vector<TaskSample>* tasks = nullptr,
                                   const StatUnits& units = {});

class ProcessReader {
 public:
  explicit ProcessReader(std::string procfs) : procfs_(std::move(procfs)) {}
  Result<ProcessScan> read() const { return scan_processes(procfs_.c_str()); }
  Result<ProcessScan> read(std::vector<TaskSample>& tasks, const StatUnits& units) const {
    return scan_processes(procfs_.c_str(), &tasks, units);
  }
  const std::string& path() const { return procfs_; }

 private:
  std::string procfs_;
};

}  // namespace vmpulse::agent
