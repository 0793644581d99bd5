// procesos_top: the processes that used the most CPU over the interval, then the
// largest by resident memory, from two consecutive scans. Not thread-safe (keeps the
// previous scan's CPU times); allocates only when the process table grows, apart from
// the at most 2N entries it answers.
//
// Each process's porcentaje_cpu is its share of ALL CPUs' time over the interval
// (0..100, the basis of porcentaje_cpu_uso): its utime + stime growth over the growth
// of the aggregate /proc/stat counters. A process not in the previous scan (new, or a
// reused pid: its start time differs) started during the interval, so all of its CPU
// time counts; one that exited is simply not listed.
//
// The list: up to N processes that used CPU in the interval, by share (highest first),
// then up to N of the others with resident memory, by RSS (largest first), the whole
// list cut at the contract's 50 entries (so 2N entries for N ≤ 25; for a larger N the
// RSS part gets what is left of 50). Ties go to the lower pid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "task_sample.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::agent {

// The contract's nombre: bytes outside printable ASCII become '?', at most 64 bytes,
// "?" when empty.
std::string sanitise_process_name(std::string_view comm);

class ProcessTop {
 public:
  // `count`: N above, 0..50.
  explicit ProcessTop(std::size_t count) : count_(count) {}

  // `tasks`: this scan (sorted by pid here). `cpu_total_us`: all CPUs' time since boot
  // when it was taken (nullopt when /proc/stat could not be read: no list, and the
  // next one starts afresh). nullopt on the first call: shares need an interval.
  std::optional<std::vector<ProcessEntry>> update(std::vector<TaskSample>& tasks,
                                                  std::optional<std::uint64_t> cpu_total_us);

 private:
  struct Previous {
    std::int64_t pid;
    std::uint64_t start_time;
    std::uint64_t cpu_time_us;
  };
  struct Candidate {
    double share;
    std::size_t index;  // into tasks
  };
  std::size_t count_;
  std::vector<Previous> previous_;
  std::optional<std::uint64_t> previous_total_us_;
  std::vector<Candidate> by_cpu_, by_rss_;
};

}  // namespace vmpulse::agent
