#include "process_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "text_fields.hpp"

namespace vmpulse::agent {

char parse_process_state(std::string_view stat) noexcept {
  const auto close = stat.rfind(')');
  // ") S": the state letter follows the closing parenthesis and one space.
  if (close == std::string_view::npos || close + 2 >= stat.size() || stat[close + 1] != ' ') {
    return '\0';
  }
  const char state = stat[close + 2];
  const bool alone = close + 3 == stat.size() || stat[close + 3] == ' ' || stat[close + 3] == '\n';
  return (state > ' ' && state < 127 && alone) ? state : '\0';
}

StatUnits stat_units_of_this_machine() {
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  return StatUnits{ticks > 0 ? static_cast<std::uint64_t>(ticks) : 100,
                   page >= 1024 ? static_cast<std::uint64_t>(page) / 1024 : 4};
}

bool parse_task_stat(std::string_view stat, const StatUnits& units, TaskSample& task) {
  const auto open = stat.find('(');
  const auto close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return false;
  }
  const auto pid = parse_counter(trim_blank(stat.substr(0, open)));
  // After ") ": state is field 3; utime 14, stime 15, starttime 22, rss 24.
  std::string_view rest = stat.substr(close + 1);
  std::array<std::string_view, 22> words;
  std::size_t n = 0;
  while (n < words.size() && !(words[n] = next_word(rest)).empty()) {
    ++n;
  }
  const bool letter = words[0].size() == 1 && ((words[0][0] >= 'A' && words[0][0] <= 'Z') ||
                                               (words[0][0] >= 'a' && words[0][0] <= 'z'));
  if (!pid || *pid == 0 || n < words.size() || !letter) {
    return false;
  }
  const auto utime = parse_counter(words[11]);
  const auto stime = parse_counter(words[12]);
  const auto start = parse_counter(words[19]);
  // rss is signed in the kernel's format; a negative one (never seen) reads as 0.
  const auto rss =
      words[21].starts_with('-') ? std::optional<std::uint64_t>(0) : parse_counter(words[21]);
  if (!utime || !stime || !start || !rss) {
    return false;
  }
  task.pid = static_cast<std::int64_t>(*pid);
  task.state = words[0][0];
  task.comm.assign(stat.substr(open + 1, close - open - 1));
  task.cpu_time_us = (*utime + *stime) * 1'000'000 / units.ticks_per_second;
  task.rss_kib = *rss * units.page_kib;
  task.start_time = *start;
  return true;
}

void count_process_state(ProcessCounts& counts, char state) noexcept {
  switch (state) {
    case 'R':
      ++counts.running;
      break;
    case 'S':
    case 'D':
    case 'I':
      ++counts.sleeping;
      break;
    case 'Z':
      ++counts.zombie;
      break;
    case 'T':
    case 't':
      ++counts.stopped;
      break;
    default:
      break;
  }
  ++counts.total;
}

Result<ProcessScan> scan_processes(const char* procfs, std::vector<TaskSample>* tasks,
                                   const StatUnits& units) {
  DIR* dir = ::opendir(procfs);
  if (dir == nullptr) {
    const int error = errno;
    return Failure{std::string("cannot list ") + procfs + ": " + errno_text(error),
                   error == ENOENT};
  }
  const int dir_fd = ::dirfd(dir);
  ProcessScan scan;
  unsigned long long lowest_malformed = ~0ull;
  // pid, comm (at most 64 bytes for kernel threads) and the 22 fields up to rss fit
  // within 1 KiB even with every number at its widest.
  char buffer[1024];
  std::size_t task_count = 0;
  char path[32];
  // readdir is safe here: this DIR stream belongs to this call alone.
  while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
    const char* name = entry->d_name;
    std::size_t length = 0;
    while (name[length] >= '0' && name[length] <= '9') {
      ++length;
    }
    if (length == 0 || name[length] != '\0' || length > 20) {
      continue;
    }
    std::memcpy(path, name, length);
    std::memcpy(path + length, "/stat", 6);
    const int fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue;  // exited since readdir
    }
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    while (got < 0 && errno == EINTR) {
      got = ::read(fd, buffer, sizeof buffer);
    }
    ::close(fd);
    if (got < 0) {
      continue;  // ESRCH: exited between open and read
    }
    const char state = parse_process_state(std::string_view(buffer, static_cast<std::size_t>(got)));
    if (state == '\0') {
      ++scan.malformed;
      const unsigned long long pid = std::strtoull(name, nullptr, 10);
      if (pid < lowest_malformed) {
        lowest_malformed = pid;
        scan.first_malformed.assign(path);
      }
      continue;
    }
    count_process_state(scan.counts, state);
    if (tasks != nullptr) {
      if (task_count == tasks->size()) {
        tasks->emplace_back();
      }
      // A stat file cut before rss (not seen on Linux >= 2.6) is counted, not listed.
      if (parse_task_stat(std::string_view(buffer, static_cast<std::size_t>(got)), units,
                          (*tasks)[task_count])) {
        ++task_count;
      }
    }
  }
  ::closedir(dir);
  if (tasks != nullptr) {
    // Shrinking keeps the capacity: the strings of the dropped elements are freed, the
    // vector's storage is not.
    tasks->resize(task_count);
  }
  return scan;
}

}  // namespace vmpulse::agent
