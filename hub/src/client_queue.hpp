// One dashboard's outgoing messages. Bounded: when a client reads too slowly and its
// backlog passes the limit, the backlog is dropped and replaced by {"type":"resync"}
// followed by a fresh snapshot (the newest state), so a slow client costs a bounded
// amount of memory and never holds back the others. Until that snapshot arrives,
// updates for the client are dropped: the snapshot will contain them.
// Not thread-safe: the session guards it with its own mutex.
#pragma once

#include <cstddef>
#include <deque>

#include "messages.hpp"

namespace vmpulse::hub {

struct QueueLimits {
  std::size_t max_messages = 64;
  std::size_t max_bytes = std::size_t{4} * 1024 * 1024;
};

// What the caller has to do after a push.
struct PushResult {
  bool start_write = false;    // nothing was being written: start writing next()
  bool need_snapshot = false;  // the backlog overflowed: ask the poller for a snapshot
};

class ClientQueue {
 public:
  ClientQueue(QueueLimits limits, Message resync) : limits_(limits), resync_(std::move(resync)) {}

  // A records update; dropped while a snapshot is awaited.
  PushResult push_update(const Message& message);
  // The snapshot that (re)starts the stream of updates.
  PushResult push_snapshot(const Message& message);
  // A reply to the client (pong); small, and dropped only when the queue is full.
  PushResult push_reply(const Message& message);
  // The client asked for another VM: updates wait for the new snapshot.
  void await_snapshot() { awaiting_snapshot_ = true; }

  // The message to write now, or nullptr when the queue is empty (writing stops).
  Message next();

  // An update may skip the queue: nothing queued, nothing being written, no snapshot
  // awaited. The caller writes it at once; if the socket does not take it whole, the
  // caller calls begin_write() and finishes it, then writes next() as usual.
  bool can_write_now() const { return !writing_ && queue_.empty() && !awaiting_snapshot_; }
  void begin_write() { writing_ = true; }

  bool awaiting_snapshot() const { return awaiting_snapshot_; }
  std::size_t queued_messages() const { return queue_.size(); }
  std::size_t queued_bytes() const { return bytes_; }
  std::size_t overflows() const { return overflows_; }

 private:
  PushResult enqueue(const Message& message);

  QueueLimits limits_;
  Message resync_;
  std::deque<Message> queue_;
  std::size_t bytes_ = 0;
  bool writing_ = false;
  bool awaiting_snapshot_ = true;  // a new client gets its snapshot first
  std::size_t overflows_ = 0;
};

}  // namespace vmpulse::hub
