// Which dashboards watch which VM (issue 15): a `records` message carries only the rows
// of the VM its client shows, so at 10,000 VMs a dashboard gets one VM's rows a second,
// not every VM's. Each VM's message is encoded once and shared by the clients that
// watch it; the `fleet` message (fleet_updates.hpp) keeps their VM tables current.
// Not thread-safe: the poller guards it with its mutex.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "live_state.hpp"
#include "rows.hpp"
#include "subscriber.hpp"

namespace vmpulse::hub {

class VmRoutes {
 public:
  // Who gets what, as of the last change; shared and immutable (a poll reads it
  // without the lock).
  struct Table {
    std::unordered_map<std::string, SubscriberList> by_vm;
    SubscriberList everyone;
  };

  // A new subscriber: it watches no VM until its snapshot says which.
  void add(std::shared_ptr<Subscriber> subscriber);
  // Returns the reference it held, for the caller to release outside its lock.
  std::shared_ptr<Subscriber> remove(const Subscriber* subscriber);
  // The VM whose rows `subscriber` gets from now on (its snapshot's VM); "" for none.
  void route(const Subscriber* subscriber, std::string vm);
  // Every subscriber that watches no VM watches `vm` from now on: with an empty table a
  // dashboard's snapshot has no VM, and the first VM to report becomes its view.
  // Called on every poll with rows: it costs nothing while every client has a VM.
  void route_unrouted(const std::string& vm);
  // The VM `subscriber` watches; "" for none or an unknown subscriber.
  std::string vm_of(const Subscriber* subscriber) const;
  std::size_t size() const { return subscribers_.size(); }
  // Subscribers that watch no VM.
  std::size_t unrouted() const { return unrouted_; }
  std::shared_ptr<const Table> table();

 private:
  struct Route {
    std::shared_ptr<Subscriber> subscriber;
    std::string vm;
  };
  std::unordered_map<const Subscriber*, Route> subscribers_;
  std::size_t unrouted_ = 0;            // routes in subscribers_ whose vm is ""
  std::shared_ptr<const Table> table_;  // null once a route changes
};

// The `records` messages of one poll: for each VM in `table` that has rows in `records`
// (id order), one message with that VM's rows in that order, encoded once for all its
// subscribers; ordered by VM name. VMs nobody watches cost nothing but a lookup per row.
std::vector<Delivery> records_deliveries(const std::vector<StoredRecord>& records,
                                         const Split& split, const VmRoutes::Table& table);

}  // namespace vmpulse::hub
