// The process's own standard series — CPU, memory, file descriptors, start time — under
// the names every Prometheus client library gives them, so that the dashboards and alerts
// people already have for any exporter (process_resident_memory_bytes and the rest) work
// on the api and the hub as they do on node-api's. Read from the kernel at each scrape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vmpulse/metrics.hpp"

namespace vmpulse::metrics {

// Virtual and resident size in bytes from /proc/<pid>/statm's text: its first two fields,
// in pages of `page_bytes`; nullopt unless both are there as decimal counts.
std::optional<std::pair<double, double>> parse_statm(std::string_view text, double page_bytes);

// Registers, on `registry`:
//   process_cpu_seconds_total      user + system CPU time (getrusage)
//   process_resident_memory_bytes  resident set (statm)
//   process_virtual_memory_bytes   address space (statm)
//   process_open_fds               entries of the fd directory
//   process_max_fds                the soft limit on open files
//   process_start_time_seconds     Unix time when this was called (at start-up)
// `proc_self` is the process's /proc directory (tests give another). A value that cannot
// be read renders as NaN, which Prometheus keeps as a gap, instead of failing the scrape.
void register_process_metrics(Registry& registry, const std::string& proc_self = "/proc/self");

}  // namespace vmpulse::metrics
