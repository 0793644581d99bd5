// Network throughput from <procfs>/net/dev: the record's red_rx_kib_s and red_tx_kib_s,
// bytes received and sent by every interface but the loopback "lo" between two
// collections (traffic a VM sends itself is not network traffic). Bridges and the
// veth pairs of containers count like any interface. The file is per network
// namespace: the one of the process reading it. Not thread-safe (previous reading).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "device_rates.hpp"
#include "result.hpp"

namespace vmpulse::agent {

// Every interface of net/dev but lo as {name, received bytes, transmitted bytes},
// into `out` (its strings are reused).
Result<std::size_t> parse_net_dev(std::string_view text, std::vector<DeviceCounters>& out);

class NetReader {
 public:
  explicit NetReader(std::string net_dev_path) : path_(std::move(net_dev_path)) {}
  Result<std::optional<Throughput>> read(double seconds);
  const std::string& path() const { return path_; }
  // Drops the previous reading: the next read() gives no rate.
  void forget() { rates_.reset(); }
  // Every interface but lo at the last good read (bytes), sorted by name; else empty.
  const std::vector<DeviceCounters>& interfaces() const { return rates_.reading(); }

 private:
  std::string path_;
  std::vector<DeviceCounters> interfaces_;
  std::string text_;
  DeviceRates rates_{1};
};

}  // namespace vmpulse::agent
