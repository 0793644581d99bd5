#include "process_top.hpp"

#include <algorithm>
#include <cmath>

namespace vmpulse::agent {
namespace {

constexpr std::size_t kContractMax = 50;

double two_decimals(double value) { return std::round(value * 100.0) / 100.0; }

}  // namespace

std::string sanitise_process_name(std::string_view comm) {
  std::string name(comm.substr(0, 64));
  for (char& c : name) {
    if (c < 0x20 || c > 0x7e) {
      c = '?';
    }
  }
  return name.empty() ? std::string("?") : name;
}

std::optional<std::vector<ProcessEntry>> ProcessTop::update(
    std::vector<TaskSample>& tasks, std::optional<std::uint64_t> cpu_total_us) {
  std::sort(tasks.begin(), tasks.end(),
            [](const TaskSample& a, const TaskSample& b) { return a.pid < b.pid; });
  std::optional<std::vector<ProcessEntry>> top;
  if (cpu_total_us && previous_total_us_ && *cpu_total_us > *previous_total_us_) {
    const auto interval = static_cast<double>(*cpu_total_us - *previous_total_us_);
    by_cpu_.clear();
    by_rss_.clear();
    auto old = previous_.begin();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const TaskSample& task = tasks[i];
      while (old != previous_.end() && old->pid < task.pid) {
        ++old;  // exited since the previous scan
      }
      std::uint64_t used = task.cpu_time_us;  // new since the previous scan: all of it
      if (old != previous_.end() && old->pid == task.pid && old->start_time == task.start_time) {
        used = task.cpu_time_us >= old->cpu_time_us ? task.cpu_time_us - old->cpu_time_us : 0;
      }
      if (used > 0) {
        by_cpu_.push_back({std::min(static_cast<double>(used) * 100.0 / interval, 100.0), i});
      } else if (task.rss_kib > 0) {
        by_rss_.push_back({0.0, i});
      }
    }
    const auto by_share = [&](const Candidate& a, const Candidate& b) {
      return a.share != b.share ? a.share > b.share : tasks[a.index].pid < tasks[b.index].pid;
    };
    const std::size_t cpu_count = std::min({count_, by_cpu_.size(), kContractMax});
    std::partial_sort(by_cpu_.begin(), by_cpu_.begin() + static_cast<std::ptrdiff_t>(cpu_count),
                      by_cpu_.end(), by_share);
    // Busy processes beyond the first N compete for the RSS part like idle ones.
    for (std::size_t i = cpu_count; i < by_cpu_.size(); ++i) {
      if (tasks[by_cpu_[i].index].rss_kib > 0) {
        by_rss_.push_back(by_cpu_[i]);
      }
    }
    by_cpu_.resize(cpu_count);
    const auto by_rss = [&](const Candidate& a, const Candidate& b) {
      const TaskSample& x = tasks[a.index];
      const TaskSample& y = tasks[b.index];
      return x.rss_kib != y.rss_kib ? x.rss_kib > y.rss_kib : x.pid < y.pid;
    };
    const std::size_t rss_count = std::min({count_, by_rss_.size(), kContractMax - cpu_count});
    std::partial_sort(by_rss_.begin(), by_rss_.begin() + static_cast<std::ptrdiff_t>(rss_count),
                      by_rss_.end(), by_rss);
    by_rss_.resize(rss_count);

    top.emplace();
    top->reserve(cpu_count + rss_count);
    for (const auto* part : {&by_cpu_, &by_rss_}) {
      for (const Candidate& candidate : *part) {
        const TaskSample& task = tasks[candidate.index];
        top->push_back(ProcessEntry{task.pid, sanitise_process_name(task.comm),
                                    std::string(1, task.state), two_decimals(candidate.share),
                                    two_decimals(static_cast<double>(task.rss_kib) / 1024.0)});
      }
    }
  }
  previous_.clear();
  for (const TaskSample& task : tasks) {
    previous_.push_back({task.pid, task.start_time, task.cpu_time_us});
  }
  previous_total_us_ = cpu_total_us;
  return top;
}

}  // namespace vmpulse::agent
