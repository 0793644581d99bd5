#include "proc_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vmpulse::agent {
namespace {

Failure errno_failure(const char* what, const char* path, int error) {
  return Failure{std::string(what) + " " + path + ": " + errno_text(error), error == ENOENT};
}

}  // namespace

Result<std::size_t> read_proc_file(int dirfd, const char* path, char* buf, std::size_t capacity,
                                   bool must_fit) {
  const int fd = ::openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno_failure("cannot open", path, errno);
  }
  std::size_t used = 0;
  while (used < capacity) {
    const ssize_t n = ::read(fd, buf + used, capacity - used);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      ::close(fd);
      return errno_failure("cannot read", path, error);
    }
    if (n == 0) {
      break;
    }
    used += static_cast<std::size_t>(n);
  }
  if (used == capacity && must_fit) {
    char extra = 0;
    const ssize_t more = ::read(fd, &extra, 1);
    if (more > 0) {
      ::close(fd);
      return fail(std::string(path) + " is larger than " + std::to_string(capacity) + " bytes");
    }
  }
  ::close(fd);
  return used;
}

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  std::string text(max_bytes, '\0');
  auto got = read_proc_file(AT_FDCWD, path.c_str(), text.data(), text.size(), true);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  text.resize(std::get<std::size_t>(got));
  return text;
}

}  // namespace vmpulse::agent
