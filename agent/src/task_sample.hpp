// One process as a source of the top-processes list sees it at one moment: what the
// kernel module's "tareas" list or /proc/<pid>/stat says about it. Two samples of
// the same process (same pid and start_time) give its CPU share over the interval.
#pragma once

#include <cstdint>
#include <string>

namespace vmpulse::agent {

struct TaskSample {
  std::int64_t pid;
  char state;
  std::string comm;
  std::uint64_t cpu_time_us;
  std::uint64_t rss_kib;
  std::uint64_t start_time;
};

}  // namespace vmpulse::agent
