// One process as a scan of /proc/<pid>/stat (or, later, the procesos kernel module)
// sees it: what procesos_top is computed from. A plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace vmpulse::agent {

struct TaskSample {
  std::int64_t pid = 0;
  char state = '\0';              // proc(5) state letter
  std::string comm;               // as the kernel prints it, not sanitised
  std::uint64_t cpu_time_us = 0;  // utime + stime since the process started
  std::uint64_t rss_kib = 0;      // resident set size
  std::uint64_t start_time = 0;   // clock ticks after boot: tells a reused pid apart

  bool operator==(const TaskSample&) const = default;
};

}  // namespace vmpulse::agent
