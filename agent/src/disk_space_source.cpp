#include "disk_space_source.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>

namespace vmpulse::agent {

namespace {

// blocks × size / MiB without overflowing 64 bits for any real filesystem: the whole
// MiB of blocks and the remainder are scaled separately.
std::int64_t mib_of(std::uint64_t blocks, std::uint64_t size) {
  constexpr std::uint64_t kMiB = std::uint64_t{1024} * 1024;
  return static_cast<std::int64_t>(blocks / kMiB * size + blocks % kMiB * size / kMiB);
}

}  // namespace

DiskSpace disk_space_from(std::uint64_t fragment_size, std::uint64_t blocks,
                          std::uint64_t available_blocks) {
  const std::int64_t total = mib_of(blocks, fragment_size);
  return DiskSpace{total, std::min(mib_of(available_blocks, fragment_size), total)};
}

Result<DiskSpace> DiskSpaceReader::read() const {
  struct statvfs fs {};
  if (::statvfs(path_.c_str(), &fs) != 0) {
    const int error = errno;
    return Failure{"statvfs " + path_ + ": " + errno_text(error), false};
  }
  return disk_space_from(fs.f_frsize, fs.f_blocks, fs.f_bavail);
}

}  // namespace vmpulse::agent
