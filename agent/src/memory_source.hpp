// Memory from <procfs>/meminfo: MemTotal and MemAvailable, turned into the record's
// MiB fields. The parser is pure; MemoryReader reads the file (stateless).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.hpp"

namespace vmpulse::agent {

struct MemInfo {
  std::int64_t total_kib = 0;
  std::int64_t available_kib = 0;
  bool operator==(const MemInfo&) const = default;
};

// The record's memory fields: used = total - available, so the two always add up.
struct Memory {
  std::int64_t total_mib = 0;
  std::int64_t available_mib = 0;
  std::int64_t used_mib = 0;
  double used_percent = 0;  // two decimals
  bool operator==(const Memory&) const = default;
};

// Needs MemTotal; MemAvailable, or on kernels before 3.14 (which lack it) the estimate
// MemFree + Buffers + Cached. Values are in kB as the kernel prints them.
Result<MemInfo> parse_meminfo(std::string_view text);

Memory memory_from(const MemInfo& info);

// Rounds used/total to two decimals; 0 when total is 0.
double percent_of(std::int64_t used, std::int64_t total);

class MemoryReader {
 public:
  explicit MemoryReader(std::string meminfo_path) : path_(std::move(meminfo_path)) {}
  Result<Memory> read() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmpulse::agent
