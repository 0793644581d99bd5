#include "vm_routes.hpp"

#include <map>

namespace vmpulse::hub {

void VmRoutes::add(std::shared_ptr<Subscriber> subscriber) {
  const Subscriber* key = subscriber.get();
  const auto [it, added] = subscribers_.try_emplace(key);
  if (added || !it->second.vm.empty()) {
    ++unrouted_;
  }
  it->second = Route{std::move(subscriber), {}};
  table_.reset();
}

std::shared_ptr<Subscriber> VmRoutes::remove(const Subscriber* subscriber) {
  const auto it = subscribers_.find(subscriber);
  if (it == subscribers_.end()) {
    return nullptr;
  }
  if (it->second.vm.empty()) {
    --unrouted_;
  }
  std::shared_ptr<Subscriber> reference = std::move(it->second.subscriber);
  subscribers_.erase(it);
  table_.reset();  // no reference left behind to a client that is gone
  return reference;
}

void VmRoutes::route(const Subscriber* subscriber, std::string vm) {
  const auto it = subscribers_.find(subscriber);
  if (it == subscribers_.end() || it->second.vm == vm) {
    return;
  }
  if (it->second.vm.empty()) {
    --unrouted_;
  } else if (vm.empty()) {
    ++unrouted_;
  }
  it->second.vm = std::move(vm);
  table_.reset();
}

void VmRoutes::route_unrouted(const std::string& vm) {
  if (unrouted_ == 0 || vm.empty()) {
    return;
  }
  unrouted_ = 0;
  for (auto& [key, route] : subscribers_) {
    if (route.vm.empty()) {
      route.vm = vm;
      table_.reset();
    }
  }
}

std::string VmRoutes::vm_of(const Subscriber* subscriber) const {
  const auto it = subscribers_.find(subscriber);
  return it == subscribers_.end() ? std::string() : it->second.vm;
}

std::shared_ptr<const VmRoutes::Table> VmRoutes::table() {
  if (table_) {
    return table_;
  }
  std::unordered_map<std::string, std::vector<std::shared_ptr<Subscriber>>> by_vm;
  auto everyone = std::make_shared<std::vector<std::shared_ptr<Subscriber>>>();
  everyone->reserve(subscribers_.size());
  for (const auto& [key, route] : subscribers_) {
    everyone->push_back(route.subscriber);
    if (!route.vm.empty()) {
      by_vm[route.vm].push_back(route.subscriber);
    }
  }
  auto table = std::make_shared<Table>();
  table->everyone = std::move(everyone);
  for (auto& [vm, list] : by_vm) {
    table->by_vm.emplace(
        vm, std::make_shared<const std::vector<std::shared_ptr<Subscriber>>>(std::move(list)));
  }
  table_ = std::move(table);
  return table_;
}

std::vector<Delivery> records_deliveries(const std::vector<StoredRecord>& records,
                                         const Split& split, const VmRoutes::Table& table) {
  // By name, so every poll hands the messages over in the same order.
  std::map<std::string_view, std::pair<SubscriberList, std::vector<const StoredRecord*>>> rows;
  for (const StoredRecord& record : records) {
    const auto watched = table.by_vm.find(record.vm);
    if (watched == table.by_vm.end()) {
      continue;
    }
    auto& [subscribers, mine] = rows[watched->first];
    subscribers = watched->second;
    mine.push_back(&record);
  }
  std::vector<Delivery> deliveries;
  deliveries.reserve(rows.size());
  for (const auto& [vm, item] : rows) {
    deliveries.push_back({make_message(encode_records(item.second, split)), item.first});
  }
  return deliveries;
}

}  // namespace vmpulse::hub
