// One process as a source of the top-processes list sees it at one moment: what the
// kernel module's "tareas" list or /proc/<pid>/stat says about it. Two samples of
// the same process (same pid and start_time) give its CPU share over the interval.
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
  std::uint64_t start_time = 0;   // since boot, in the source's own unit: tells a reused pid apart

  bool operator==(const TaskSample&) const = default;
};

}  // namespace vmpulse::agent
