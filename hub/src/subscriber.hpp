// The poller's view of a connected dashboard: something that takes encoded messages.
// Implemented by the WebSocket session; lets the poller stay free of Beast.
// Implementations must be thread-safe: the poller calls from its own thread.
#pragma once

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

}  // namespace vmpulse::hub
