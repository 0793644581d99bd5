// Swap from <procfs>/meminfo's SwapTotal and SwapFree: the record's swap_total and
// swap_libre (MiB). A VM without swap has both at 0. Pure parser; stateless reader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "result.hpp"

namespace vmpulse::agent {

struct Swap {
  std::int64_t total_mib = 0;
  std::int64_t free_mib = 0;
  bool operator==(const Swap&) const = default;
};

Result<Swap> parse_swap(std::string_view meminfo);

class SwapReader {
 public:
  explicit SwapReader(std::string meminfo_path) : path_(std::move(meminfo_path)) {}
  Result<Swap> read() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmpulse::agent
