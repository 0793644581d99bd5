// Size and free space of the filesystem at --rootfs (default "/"), by statvfs(3): the
// record's disco_total and disco_libre (MiB). Free is what an unprivileged process may
// still write (f_bavail, df's "Avail", node_exporter's avail_bytes), not counting the
// blocks reserved for root. Stateless.
#pragma once

#include <cstdint>
#include <string>

#include "result.hpp"

namespace vmpulse::agent {

struct DiskSpace {
  std::int64_t total_mib = 0;
  std::int64_t free_mib = 0;
  bool operator==(const DiskSpace&) const = default;
};

// From statvfs's fields: f_frsize, f_blocks, f_bavail.
DiskSpace disk_space_from(std::uint64_t fragment_size, std::uint64_t blocks,
                          std::uint64_t available_blocks);

class DiskSpaceReader {
 public:
  explicit DiskSpaceReader(std::string rootfs) : path_(std::move(rootfs)) {}
  Result<DiskSpace> read() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmpulse::agent
