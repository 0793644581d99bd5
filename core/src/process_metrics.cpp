#include "vmpulse/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <system_error>

namespace vmpulse::metrics {
namespace {

constexpr double kUnreadable = std::numeric_limits<double>::quiet_NaN();

// The next space-separated decimal count of `text` from `at`; nullopt if there is none.
std::optional<std::uint64_t> next_count(std::string_view text, std::size_t& at) {
  while (at < text.size() && text[at] == ' ') {
    ++at;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data() + at) {
    return std::nullopt;
  }
  at = static_cast<std::size_t>(end - text.data());
  return value;
}

std::optional<std::pair<double, double>> read_statm(const std::string& proc_self) {
  std::ifstream file(proc_self + "/statm");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const long page = ::sysconf(_SC_PAGESIZE);
  return parse_statm(text, page > 0 ? static_cast<double>(page) : 4096.0);
}

double open_fds(const std::string& proc_self) {
  std::error_code error;
  std::filesystem::directory_iterator entries(proc_self + "/fd", error);
  if (error) {
    return kUnreadable;
  }
  double count = 0;
  for (auto it = entries; it != std::filesystem::directory_iterator{}; it.increment(error)) {
    if (error) {
      return kUnreadable;
    }
    ++count;
  }
  return count;
}

double max_fds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return kUnreadable;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity()
                                         : static_cast<double>(limit.rlim_cur);
}

double cpu_seconds() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) {
    return kUnreadable;
  }
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

std::optional<std::pair<double, double>> parse_statm(std::string_view text, double page_bytes) {
  std::size_t at = 0;
  const auto size = next_count(text, at);
  const auto resident = next_count(text, at);
  if (!size || !resident) {
    return std::nullopt;
  }
  return std::pair{static_cast<double>(*size) * page_bytes,
                   static_cast<double>(*resident) * page_bytes};
}

void register_process_metrics(Registry& registry, const std::string& proc_self) {
  registry.float_counter_function("process_cpu_seconds_total",
                                  "Total user and system CPU time spent in seconds.", cpu_seconds);
  registry.gauge_function("process_resident_memory_bytes", "Resident memory size in bytes.",
                          [proc_self] {
                            const auto statm = read_statm(proc_self);
                            return statm ? statm->second : kUnreadable;
                          });
  registry.gauge_function("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                          [proc_self] {
                            const auto statm = read_statm(proc_self);
                            return statm ? statm->first : kUnreadable;
                          });
  registry.gauge_function("process_open_fds", "Number of open file descriptors.",
                          [proc_self] { return open_fds(proc_self); });
  registry.gauge_function("process_max_fds", "Maximum number of open file descriptors.", max_fds);
  const double started =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  registry.gauge_function("process_start_time_seconds",
                          "Start time of the process since unix epoch in seconds.",
                          [started] { return started; });
}

}  // namespace vmpulse::metrics
