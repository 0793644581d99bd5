// IngestQueue: the group commit. Requests from any HTTP thread are queued; each writer
// thread (one database connection each) takes everything queued, up to a group size,
// and stores it with one transaction, then answers every request of the group. While
// one writer waits for its commit the queue fills up for the next, so the number of
// commits per second stays small however many clients there are.
//
// Bounded: a submit that would take the queue over `max_queued_records` is refused
// (the route answers 503 + Retry-After). When no writer is connected, submits are
// refused at once and queued requests are answered `unavailable`; writers reconnect by
// themselves. No request waits longer than `answer_timeout` for its answer.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "group_writer.hpp"
#include "ingest_item.hpp"
#include "ingest_metrics.hpp"

namespace vmpulse::api {

struct IngestQueueOptions {
  std::size_t max_queued_records = 50'000;
  std::size_t max_group_records = 5'000;
  std::chrono::milliseconds reconnect_interval{250};
  std::chrono::milliseconds idle_ping_interval{1'000};
  // A request not answered by then is answered `unavailable` (the database hangs).
  std::chrono::milliseconds answer_timeout{5'000};
  // Where stored records, commit durations and database errors are counted; null: nowhere.
  const IngestMetrics* metrics = nullptr;
};

struct IngestQueueStats {
  std::uint64_t groups_committed = 0;
  std::uint64_t items_committed = 0;
  std::uint64_t records_committed = 0;
  std::uint64_t items_failed = 0;  // answered `unavailable` after being accepted
  std::size_t queued_records = 0;
  unsigned connected_writers = 0;
};

class IngestQueue final : public IngestSink {
 public:
  // Starts one thread per writer (at least one), and a watchdog.
  IngestQueue(std::vector<std::unique_ptr<GroupWriter>> writers, IngestQueueOptions options);
  ~IngestQueue() override;
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  Submit submit(IngestItem item, ItemDone done) override;

  // A writer is connected and the database answered within the last few ping intervals.
  bool ready() const;
  IngestQueueStats stats() const;

  // Refuses new submits, lets connected writers store what is queued, answers the rest
  // `unavailable`, and joins the threads. Idempotent.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending;
  using PendingPtr = std::shared_ptr<Pending>;
  struct WriterSlot;

  void writer_loop(WriterSlot& slot);
  bool wait_until_connected(WriterSlot& slot);
  void store_group(WriterSlot& slot, std::vector<PendingPtr>& group);
  std::vector<PendingPtr> take_group();
  void writer_down(WriterSlot& slot);
  void fail_queued_locked(std::vector<PendingPtr>& out);
  void watchdog_loop();
  void note_success();

  void answer(Pending& pending, ItemResult result);
  void answer_all(std::vector<PendingPtr>& group, ItemResult result);

  IngestQueueOptions options_;
  std::vector<std::unique_ptr<WriterSlot>> slots_;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;  // queue non-empty, or stopping
  std::condition_variable stop_wake_;   // stopping (wakes writers waiting to reconnect)
  std::deque<PendingPtr> queue_;
  std::size_t queued_records_ = 0;
  bool stopping_ = false;
  std::uint64_t ping_round_ = 0;  // bumped when a writer lost its connection

  std::atomic<unsigned> connected_writers_{0};
  std::atomic<Clock::rep> last_success_{0};  // Clock ticks; 0: never
  std::atomic<std::uint64_t> groups_committed_{0};
  std::atomic<std::uint64_t> items_committed_{0};
  std::atomic<std::uint64_t> records_committed_{0};
  std::atomic<std::uint64_t> items_failed_{0};

  std::mutex watchdog_mutex_;
  std::condition_variable watchdog_wake_;
  std::vector<std::thread> threads_;
  std::thread watchdog_;
};

}  // namespace vmpulse::api
