#include "process_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

Result<ProcessScan> scan_processes(const char* procfs) {
  DIR* dir = ::opendir(procfs);
  if (dir == nullptr) {
    const int error = errno;
    return Failure{std::string("cannot list ") + procfs + ": " + errno_text(error),
                   error == ENOENT};
  }
  const int dir_fd = ::dirfd(dir);
  ProcessScan scan;
  unsigned long long lowest_malformed = ~0ull;
  // pid, comm (at most 64 bytes for kernel threads) and the state fit well within 512
  // bytes; reading no further keeps the number formatting of the kernel cheap.
  char buffer[512];
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
  }
  ::closedir(dir);
  return scan;
}

}  // namespace vmpulse::agent
