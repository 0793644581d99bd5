#include "client_queue.hpp"

namespace vmpulse::hub {

PushResult ClientQueue::enqueue(const Message& message) {
  queue_.push_back(message);
  bytes_ += message->size();
  PushResult result;
  if (!writing_) {
    writing_ = true;
    result.start_write = true;
  }
  return result;
}

PushResult ClientQueue::push_update(const Message& message) {
  if (awaiting_snapshot_) {
    return {};
  }
  if (queue_.size() + 1 > limits_.max_messages || bytes_ + message->size() > limits_.max_bytes) {
    // The message being written (already taken by next()) finishes; the rest goes.
    queue_.clear();
    bytes_ = 0;
    awaiting_snapshot_ = true;
    ++overflows_;
    PushResult result = enqueue(resync_);
    result.need_snapshot = true;
    return result;
  }
  return enqueue(message);
}

PushResult ClientQueue::push_snapshot(const Message& message) {
  awaiting_snapshot_ = false;
  return enqueue(message);
}

PushResult ClientQueue::push_reply(const Message& message) {
  // A client that sends pings but does not read its socket must not grow the queue.
  if (queue_.size() + 1 > limits_.max_messages || bytes_ + message->size() > limits_.max_bytes) {
    return {};
  }
  return enqueue(message);
}

Message ClientQueue::next() {
  if (queue_.empty()) {
    writing_ = false;
    return nullptr;
  }
  Message message = std::move(queue_.front());
  queue_.pop_front();
  bytes_ -= message->size();
  return message;
}

}  // namespace vmpulse::hub
