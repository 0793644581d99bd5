#include "vmpulse/process_metrics.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
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

// Plain open/read and opendir/readdir, not iostreams or std::filesystem: the agent reads
// these every sample (docs/observability.md), so a read costs the system calls, the path
// and nothing else.
std::optional<std::pair<double, double>> read_statm(const std::string& proc_self) {
  const std::string path = proc_self + "/statm";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  char buffer[128];  // statm is seven counts; the two read here come first, well inside
  const ssize_t got = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (got <= 0) {
    return std::nullopt;
  }
  const long page = ::sysconf(_SC_PAGESIZE);
  return parse_statm(std::string_view(buffer, static_cast<std::size_t>(got)),
                     page > 0 ? static_cast<double>(page) : 4096.0);
}

// Entries of the fd directory but "." and ".." (the one opendir holds is counted, as
// every client library does).
double open_fds(const std::string& proc_self) {
  const std::string path = proc_self + "/fd";
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return kUnreadable;
  }
  double count = 0;
  errno = 0;
  // readdir is safe here: this DIR stream belongs to this call alone.
  while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
      ++count;
    }
  }
  const bool failed = errno != 0;
  ::closedir(dir);
  return failed ? kUnreadable : count;
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
  // One read of statm a render for both sizes: the registry renders under its lock, in
  // registration order, so the resident size's read leaves the virtual size for the
  // next series of the same render.
  auto statm = std::make_shared<std::optional<std::pair<double, double>>>();
  registry.gauge_function("process_resident_memory_bytes", "Resident memory size in bytes.",
                          [proc_self, statm] {
                            *statm = read_statm(proc_self);
                            return *statm ? (*statm)->second : kUnreadable;
                          });
  registry.gauge_function("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                          [statm] { return *statm ? (*statm)->first : kUnreadable; });
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
