#include "live_state.hpp"

namespace vmpulse::hub {

std::uint64_t Split::total() const {
  std::uint64_t sum = 0;
  for (const auto& [api, count] : per_api) {
    sum += count;
  }
  return sum;
}

void LiveState::add_vm(const std::string& vm, const std::string& last, std::uint64_t rows) {
  VmEntry& entry = vms_[vm];
  entry.last = last;
  entry.rows = rows;
}

void LiveState::set_latest(StoredRecord record) {
  VmEntry& entry = vms_[record.vm];
  if (entry.last < record.hora) {
    entry.last = record.hora;
  }
  entry.latest = std::move(record);
}

void LiveState::apply(const StoredRecord& record) {
  VmEntry& entry = vms_[record.vm];
  ++entry.rows;
  // "YYYY-MM-DD HH:MM:SS" compares correctly as text.
  if (entry.last < record.hora) {
    entry.last = record.hora;
  }
  if (!entry.latest || entry.latest->hora < record.hora ||
      (entry.latest->hora == record.hora && entry.latest->id < record.id)) {
    entry.latest = record;
  }
}

const VmEntry* LiveState::find(const std::string& vm) const {
  auto it = vms_.find(vm);
  return it == vms_.end() ? nullptr : &it->second;
}

std::optional<std::string> LiveState::newest_vm() const {
  const std::pair<const std::string, VmEntry>* best = nullptr;
  for (const auto& item : vms_) {
    if (!best || best->second.last < item.second.last) {
      best = &item;
    }
  }
  if (!best) {
    return std::nullopt;
  }
  return best->first;
}

}  // namespace vmpulse::hub
