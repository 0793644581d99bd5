// The poller's view of a connected dashboard: something that takes encoded messages.
// Implemented by the WebSocket session; lets the poller stay free of Beast.
// Implementations must be thread-safe: the poller calls from its own thread.
#pragma once

#include <memory>
#include <vector>

#include "messages.hpp"

namespace vmpulse::hub {

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // New rows, the same buffer for every subscriber.
  virtual void deliver_update(const Message& message) = 0;
  // The snapshot the subscriber asked for; updates follow it in order.
  virtual void deliver_snapshot(const Message& message) = 0;
};

// Subscribers as a shared, immutable list: kept while nobody subscribes, leaves or
// changes VM, so an update copies no per-client reference.
using SubscriberList = std::shared_ptr<const std::vector<std::shared_ptr<Subscriber>>>;

// One message and who gets it. An update is a list of these, handed over in order: a
// subscriber named in several gets their messages in the list's order.
struct Delivery {
  Message message;
  SubscriberList subscribers;
};

}  // namespace vmpulse::hub
