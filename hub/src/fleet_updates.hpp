// The `fleet` message (issue 15): a dashboard's VM table follows every VM's summary
// (the /api/vms entry: last time, rows, CPU, RAM, load, disk) without receiving every
// VM's records. The VMs that got rows are collected between messages; a message goes
// out at most once per interval, and none while neither a VM nor the split changed (the
// split rides on `fleet`: a row of another VM moves it, and `records` now carry the
// watched VM's rows only).
// Not thread-safe: the poller's thread owns it.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "live_state.hpp"
#include "rows.hpp"

namespace vmpulse::hub {

class FleetUpdates {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FleetUpdates(std::chrono::milliseconds interval) : interval_(interval) {}

  // Delivered rows: their VMs go into the next message.
  void changed(const std::vector<StoredRecord>& rows);
  // The `fleet` payload due at `now`, with the entries of `state` for the VMs changed
  // since the last one and its split; nullopt when neither they nor the split changed,
  // or the last went out less than an interval ago (the changes then wait for the next).
  std::optional<std::string> take(const LiveState& state, Clock::time_point now);

 private:
  std::chrono::milliseconds interval_;
  std::set<std::string> changed_;
  std::optional<Clock::time_point> last_;  // when the last message was taken
  Split split_;                            // the split the last message carried
};

}  // namespace vmpulse::hub
