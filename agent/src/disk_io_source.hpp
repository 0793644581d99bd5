// Disk throughput from <procfs>/diskstats: the record's disco_lectura_kib_s and
// disco_escritura_kib_s, summed over the VM's whole disks between two collections.
//
// Counted: devices that are whole disks — listed in <sysfs>/block (partitions are
// not) — except loop, ram and zram (backed by a file or by memory: their I/O lands on
// another disk or nowhere) and dm-* and md* (device mapper and software RAID sit on
// top of whole disks, whose I/O is already counted). Not thread-safe (keeps the
// previous reading).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "device_rates.hpp"
#include "result.hpp"

namespace vmpulse::agent {

// Every row of diskstats as {name, sectors read, sectors written}, into `out` (its
// strings are reused). A row with fewer than 10 columns is an error.
Result<std::size_t> parse_diskstats(std::string_view text, std::vector<DeviceCounters>& out);

// The name rules above (the sysfs check is separate).
bool counted_disk_name(std::string_view name);

class DiskIoReader {
 public:
  DiskIoReader(std::string diskstats_path, std::string sysfs_block_path)
      : path_(std::move(diskstats_path)), block_path_(std::move(sysfs_block_path)) {}
  // The throughput since the previous call (nullopt on the first); `seconds` is the
  // uptime the rates are measured on.
  Result<std::optional<Throughput>> read(double seconds);
  const std::string& path() const { return path_; }
  // Drops the previous reading: the next read() gives no rate.
  void forget() { rates_.reset(); }
  // Every whole disk at the last good read (512-byte sectors), sorted by name; else empty.
  const std::vector<DeviceCounters>& disks() const { return rates_.reading(); }

 private:
  std::string path_;
  std::string block_path_;
  std::vector<DeviceCounters> devices_;
  std::string text_;
  DeviceRates rates_{512};  // diskstats counts 512-byte sectors whatever the disk's
};

}  // namespace vmpulse::agent
