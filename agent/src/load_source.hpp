// Load averages from <procfs>/loadavg ("0.52 0.58 0.59 1/467 12345"): the record's
// carga_1/5/15. The parser is pure; LoadReader reads the file (stateless).
#pragma once

#include <string>
#include <string_view>

#include "result.hpp"

namespace vmpulse::agent {

struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;  // two decimals, as the kernel prints them
  bool operator==(const LoadAverage&) const = default;
};

Result<LoadAverage> parse_loadavg(std::string_view text);

class LoadReader {
 public:
  explicit LoadReader(std::string path) : path_(std::move(path)) {}
  Result<LoadAverage> read() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmpulse::agent
