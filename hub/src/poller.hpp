// The one reader of new rows: every poll interval it runs ONE query for all clients
// (new rows plus the per-route counts), encodes each watched VM's rows once and hands
// the same buffer to every subscriber of that VM (vm_routes.hpp), and at most once per
// fleet interval every VM's changed summary to all (fleet_updates.hpp). It also answers snapshot
// requests, grouping the clients that asked for the same VM and window into one query and one
// buffer, and keeps the per-VM state that /api/vms and snapshots read. Runs on its own thread so
// MySQL never blocks the io threads. Public functions are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db_session.hpp"
#include "fleet_updates.hpp"
#include "live_state.hpp"
#include "messages.hpp"
#include "row_tracker.hpp"
#include "subscriber.hpp"
#include "vm_routes.hpp"
#include "vmpulse/defaults.hpp"

namespace vmpulse::hub {

struct PollerOptions {
  DbUrl db;
  std::chrono::milliseconds poll{250};
  std::chrono::milliseconds late_window{10'000};  // how long an id gap is waited for
  std::size_t batch = 5000;                       // rows per poll at most
  std::size_t series_limit = 4000;                // rows of a snapshot's series at most
  // Snapshot requests waiting at most; each client has at most one (a new request
  // replaces its old one), so this bounds the work a burst of clients can queue.
  std::size_t max_pending_snapshots = 4096;
  // `fleet` messages at most this often (config/defaults.env).
  std::chrono::milliseconds fleet_interval = defaults::kHubFleetIntervalDuration;
};

struct PollerStats {
  std::uint64_t polls = 0;
  std::uint64_t rows_delivered = 0;
  std::uint64_t late_rows = 0;  // delivered after a larger id
  std::uint64_t snapshot_queries = 0;
  std::size_t subscribers = 0;
  std::uint64_t db_errors = 0;                        // polls that failed on the database
  std::chrono::steady_clock::time_point last_poll{};  // the last poll that succeeded
};

class Poller {
 public:
  explicit Poller(PollerOptions options);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // How an update reaches the subscribers: by default the poller calls deliver_update
  // on each from its own thread; a fan-out may instead hand the whole update (each
  // message with its subscribers, in order) to the io thread in one step (what a
  // single-threaded hub does). Set before start().
  using Fanout = std::function<void(std::vector<Delivery>)>;
  void set_fanout(Fanout fanout) { fanout_ = std::move(fanout); }
  // The fan-out calls this when it has handed the update to every subscriber. Until
  // then the poller does not poll: under load updates grow instead of piling up.
  void fanout_done() { fanout_busy_ = false; }

  // Sees every poll's delivered rows, in id order, on the poller's thread before they
  // are fanned out (the alert evaluator). It must not block: the next poll waits for
  // it. Set before start().
  using RowObserver = std::function<void(const std::vector<StoredRecord>&)>;
  void set_row_observer(RowObserver observer) { observer_ = std::move(observer); }

  // The alerts as every client sees them (an encode_alerts body): kept for the
  // snapshots, and sent to every subscriber as an `alerts` message on the poller's
  // thread (so it is ordered with the updates and goes through the fan-out).
  void set_alerts(std::string alerts);

  void start();
  void stop();

  // Adds a subscriber; it gets a snapshot of `vm` (empty: the newest VM), then updates.
  void subscribe(const std::shared_ptr<Subscriber>& subscriber, std::string vm, int minutes);
  void unsubscribe(const Subscriber* subscriber);
  // A fresh snapshot (after "select" or a queue overflow). A client has at most one
  // request waiting: a new one replaces it. False when the client had none waiting and
  // max_pending_snapshots are (the caller drops the client: the hub is overloaded).
  bool request_snapshot(const std::weak_ptr<Subscriber>& subscriber, std::string vm, int minutes);

  // Start-up load done and the database answered the last poll.
  bool ready() const { return ready_.load(); }
  // Every row id at or below this has committed or never will (the tracker's
  // watermark); 0 until the start-up load is done. For the rollup.
  std::uint64_t settled_id() const { return settled_.load(); }
  std::string vms_json() const;
  // The same list with only the VMs whose newest labels hold `filter`.
  std::string vms_json(const LabelFilter& filter) const;
  // Each VM's newest sample time (Unix ms) as the start-up load found it; empty before.
  std::map<std::string, std::int64_t> loaded_last_seen() const;
  PollerStats stats() const;

 private:
  struct SnapshotRequest {
    std::weak_ptr<Subscriber> subscriber;
    std::string vm;
    int minutes = 15;
  };

  void run();
  void load(db::Connection& connection);
  bool poll(db::Connection& connection);  // true when the batch was full
  void serve_snapshots(db::Connection& connection);
  void publish_state();
  void report(const std::string& problem);
  void send(std::vector<Delivery> deliveries);
  // Adds the `fleet` message when one is due, then sends.
  void send_fleet(std::vector<Delivery> deliveries);
  void send_to_all(const Message& message);
  void send_alerts();

  PollerOptions options_;
  Fanout fanout_;
  RowObserver observer_;
  std::atomic<bool> fanout_busy_{false};
  std::thread thread_;
  std::atomic<bool> ready_{false};
  std::atomic<std::uint64_t> settled_{0};

  mutable std::mutex mutex_;  // guards everything below up to the thread-owned part
  std::condition_variable wake_;
  bool stopping_ = false;
  bool alerts_unsent_ = false;  // alerts_ changed since the last `alerts` message
  VmRoutes routes_;             // the subscribers and the VM each watches
  std::unordered_map<const Subscriber*, SnapshotRequest> requests_;  // one per client
  std::shared_ptr<const VmList> vms_ = std::make_shared<const VmList>();
  std::map<std::string, std::int64_t> loaded_last_seen_;
  std::string alerts_{kNoAlerts};  // the newest encode_alerts body
  PollerStats stats_;

  // Owned by the poller's thread.
  DbSession session_;
  RowTracker tracker_;
  LiveState state_;
  FleetUpdates fleet_;
  bool loaded_ = false;
  std::string last_problem_;
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace vmpulse::hub
