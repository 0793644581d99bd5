// Time since boot from <procfs>/uptime ("12345.67 23456.78"): the record's
// tiempo_activo, and the clock the agent's rates are measured on (the kernel's boot
// time clock, read in the same collection as the counters, so a fixture tree pins it;
// it has hundredths of a second, ±1 % on a 1 s interval). Pure parser; stateless reader.
#pragma once

#include <string>
#include <string_view>

#include "result.hpp"

namespace vmpulse::agent {

// Seconds since boot (the first column).
Result<double> parse_uptime(std::string_view text);

class UptimeReader {
 public:
  explicit UptimeReader(std::string path) : path_(std::move(path)) {}
  Result<double> read() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace vmpulse::agent
