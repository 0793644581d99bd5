#include "fleet_updates.hpp"

#include "messages.hpp"

namespace vmpulse::hub {

void FleetUpdates::changed(const std::vector<StoredRecord>& rows) {
  for (const StoredRecord& row : rows) {
    changed_.insert(row.vm);
  }
}

std::optional<std::string> FleetUpdates::take(const LiveState& state, Clock::time_point now) {
  if ((changed_.empty() && split_ == state.split()) || (last_ && now - *last_ < interval_)) {
    return std::nullopt;
  }
  last_ = now;
  split_ = state.split();
  std::string payload = encode_fleet(state, changed_);
  changed_.clear();
  return payload;
}

}  // namespace vmpulse::hub
