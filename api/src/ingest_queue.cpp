#include "ingest_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace vmpulse::api {

struct IngestQueue::Pending {
  Pending(IngestItem i, ItemDone d, Clock::time_point t)
      : item(std::move(i)), done(std::move(d)), enqueued(t) {}
  IngestItem item;
  ItemDone done;
  Clock::time_point enqueued;
  // The watchdog and the writer may both try to answer; the first one wins.
  std::atomic<bool> answered{false};
};

struct IngestQueue::WriterSlot {
  explicit WriterSlot(std::unique_ptr<GroupWriter> w) : writer(std::move(w)) {}
  std::unique_ptr<GroupWriter> writer;
  bool connected = false;             // touched by the slot's own thread only
  std::uint64_t seen_ping_round = 0;  // guarded by IngestQueue::mutex_

  // What the writer is storing now, for the watchdog.
  std::mutex in_flight_mutex;
  std::vector<PendingPtr> in_flight;
  Clock::time_point started{};
};

IngestQueue::IngestQueue(std::vector<std::unique_ptr<GroupWriter>> writers,
                         IngestQueueOptions options)
    : options_(options) {
  options_.max_group_records = std::max<std::size_t>(options_.max_group_records, 1);
  for (auto& writer : writers) {
    slots_.push_back(std::make_unique<WriterSlot>(std::move(writer)));
  }
  for (auto& slot : slots_) {
    threads_.emplace_back([this, s = slot.get()] { writer_loop(*s); });
  }
  watchdog_ = std::thread([this] { watchdog_loop(); });
}

IngestQueue::~IngestQueue() { stop(); }

IngestSink::Submit IngestQueue::submit(IngestItem item, ItemDone done) {
  const std::size_t records = item.records.size();
  {
    std::lock_guard lock(mutex_);
    // Checked under the lock that writer_down() takes, so nothing is queued after the
    // last writer went down and emptied the queue.
    if (stopping_ || connected_writers_.load() == 0) {
      return Submit::unavailable;
    }
    if (queued_records_ + records > options_.max_queued_records) {
      return Submit::full;
    }
    queue_.push_back(std::make_shared<Pending>(std::move(item), std::move(done), Clock::now()));
    queued_records_ += records;
  }
  work_ready_.notify_one();
  return Submit::accepted;
}

bool IngestQueue::ready() const {
  if (connected_writers_.load() == 0) {
    return false;
  }
  const auto last = Clock::time_point(Clock::duration(last_success_.load()));
  const auto window =
      std::max<std::chrono::milliseconds>(3 * options_.idle_ping_interval, std::chrono::seconds(3));
  return last_success_.load() != 0 && Clock::now() - last < window;
}

IngestQueueStats IngestQueue::stats() const {
  IngestQueueStats s;
  s.groups_committed = groups_committed_.load();
  s.items_committed = items_committed_.load();
  s.records_committed = records_committed_.load();
  s.items_failed = items_failed_.load();
  s.connected_writers = connected_writers_.load();
  std::lock_guard lock(mutex_);
  s.queued_records = queued_records_;
  return s;
}

void IngestQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  stop_wake_.notify_all();
  { std::lock_guard lock(watchdog_mutex_); }
  watchdog_wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
  if (watchdog_.joinable()) {
    watchdog_.join();
  }
  std::vector<PendingPtr> left;
  {
    std::lock_guard lock(mutex_);
    fail_queued_locked(left);
  }
  answer_all(left, {ItemResult::Status::unavailable, 0});
}

void IngestQueue::writer_loop(WriterSlot& slot) {
  for (;;) {
    if (!wait_until_connected(slot)) {
      return;
    }
    std::vector<PendingPtr> group;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait_for(lock, options_.idle_ping_interval, [&] {
        return stopping_ || !queue_.empty() || ping_round_ != slot.seen_ping_round;
      });
      slot.seen_ping_round = ping_round_;
      if (queue_.empty()) {
        if (stopping_) {
          return;
        }
        lock.unlock();
        // Idle: one round trip keeps /readyz honest and notices a dead database
        // before a request has to.
        try {
          slot.writer->ping();
          note_success();
        } catch (const WriteFailed& e) {
          if (options_.metrics != nullptr) {
            options_.metrics->ping_errors.inc();
          }
          spdlog::warn("database ping failed: {}", e.what());
          writer_down(slot);
        }
        continue;
      }
      group = take_group();
    }
    store_group(slot, group);
  }
}

bool IngestQueue::wait_until_connected(WriterSlot& slot) {
  bool reported = false;
  while (!slot.connected) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return false;
      }
    }
    if (slot.writer->ensure_connected()) {
      slot.connected = true;
      {
        std::lock_guard lock(mutex_);
        connected_writers_.fetch_add(1);
      }
      note_success();
      spdlog::info("database writer connected ({} of {})", connected_writers_.load(),
                   slots_.size());
      return true;
    }
    if (options_.metrics != nullptr) {
      options_.metrics->connect_errors.inc();
    }
    if (!reported) {
      spdlog::warn("database writer cannot connect; retrying every {} ms",
                   options_.reconnect_interval.count());
      reported = true;
    }
    std::unique_lock lock(mutex_);
    stop_wake_.wait_for(lock, options_.reconnect_interval, [&] { return stopping_; });
  }
  return true;
}

// Called with mutex_ held: everything queued, up to the group size (at least one item).
std::vector<IngestQueue::PendingPtr> IngestQueue::take_group() {
  std::vector<PendingPtr> group;
  std::size_t records = 0;
  while (!queue_.empty()) {
    const std::size_t next = queue_.front()->item.records.size();
    if (!group.empty() && records + next > options_.max_group_records) {
      break;
    }
    records += next;
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_records_ -= records;
  // Leave the rest to another writer rather than waiting for this group's commit.
  if (!queue_.empty()) {
    work_ready_.notify_one();
  }
  return group;
}

void IngestQueue::store_group(WriterSlot& slot, std::vector<PendingPtr>& group) {
  {
    std::lock_guard lock(slot.in_flight_mutex);
    slot.in_flight = group;
    slot.started = Clock::now();
  }
  std::vector<const IngestItem*> items;
  items.reserve(group.size());
  for (const auto& pending : group) {
    items.push_back(&pending->item);
  }

  try {
    const std::vector<ItemResult> results = slot.writer->write(items);
    note_success();
    std::uint64_t records = 0;
    for (const ItemResult& result : results) {
      if (result.status == ItemResult::Status::stored) {
        records += result.stored;
      }
    }
    // Counted before answering, so a client that got its 201 sees itself in stats().
    groups_committed_.fetch_add(1);
    items_committed_.fetch_add(group.size());
    records_committed_.fetch_add(records);
    if (options_.metrics != nullptr) {
      options_.metrics->records_stored.inc(records);
      options_.metrics->commit_duration.observe(
          std::chrono::duration<double>(Clock::now() - slot.started).count());
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      answer(*group[i], i < results.size() ? results[i] : ItemResult{});
    }
  } catch (const WriteFailed& e) {
    if (options_.metrics != nullptr) {
      options_.metrics->commit_errors.inc();
    }
    spdlog::warn("group of {} requests not stored: {}", group.size(), e.what());
    answer_all(group, {ItemResult::Status::unavailable, 0});
    if (e.connection_lost()) {
      writer_down(slot);
    }
  }
  std::lock_guard lock(slot.in_flight_mutex);
  slot.in_flight.clear();
}

void IngestQueue::writer_down(WriterSlot& slot) {
  slot.writer->disconnect();
  slot.connected = false;
  std::vector<PendingPtr> orphans;
  {
    std::lock_guard lock(mutex_);
    // The last writer gone: nobody will store what is queued soon, so answer now
    // instead of letting clients wait for the reconnect.
    if (connected_writers_.fetch_sub(1) == 1) {
      fail_queued_locked(orphans);
    }
    // The others' connections likely died too: have the idle ones check now, so that
    // /readyz turns false at once rather than at their next idle ping.
    ++ping_round_;
  }
  work_ready_.notify_all();
  if (!orphans.empty()) {
    spdlog::warn("no database writer connected; {} queued requests answered 503", orphans.size());
  }
  answer_all(orphans, {ItemResult::Status::unavailable, 0});
}

void IngestQueue::fail_queued_locked(std::vector<PendingPtr>& out) {
  for (auto& pending : queue_) {
    out.push_back(std::move(pending));
  }
  queue_.clear();
  queued_records_ = 0;
}

void IngestQueue::watchdog_loop() {
  const auto period = std::clamp<std::chrono::milliseconds>(
      options_.answer_timeout / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  std::unique_lock wake_lock(watchdog_mutex_);
  for (;;) {
    watchdog_wake_.wait_for(wake_lock, period);
    std::vector<PendingPtr> expired;
    const auto deadline = Clock::now() - options_.answer_timeout;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
      while (!queue_.empty() && queue_.front()->enqueued < deadline) {
        queued_records_ -= queue_.front()->item.records.size();
        expired.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (auto& slot : slots_) {
      std::lock_guard lock(slot->in_flight_mutex);
      // A commit that hangs: answer its requests now (their outcome is unknown, which
      // is what 503 means); the writer's late answer is dropped.
      if (!slot->in_flight.empty() && slot->started < deadline) {
        for (auto& pending : slot->in_flight) {
          expired.push_back(pending);
        }
      }
    }
    if (!expired.empty()) {
      spdlog::warn("{} requests waited over {} ms for the database; answered 503", expired.size(),
                   options_.answer_timeout.count());
      answer_all(expired, {ItemResult::Status::unavailable, 0});
    }
  }
}

void IngestQueue::note_success() { last_success_.store(Clock::now().time_since_epoch().count()); }

void IngestQueue::answer(Pending& pending, ItemResult result) {
  if (pending.answered.exchange(true)) {
    return;
  }
  if (result.status == ItemResult::Status::unavailable) {
    items_failed_.fetch_add(1);
  }
  pending.done(result);
}

void IngestQueue::answer_all(std::vector<PendingPtr>& group, ItemResult result) {
  for (auto& pending : group) {
    answer(*pending, result);
  }
}

}  // namespace vmpulse::api
