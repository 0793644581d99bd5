// Runs the alert rules in the hub (docs/alerts.md): exactly one hub of several
// evaluates, the one holding the database lock 'vmpulse_alerts' on this service's own
// connection; it restores the engine from alertas when it becomes the evaluator,
// evaluates the poller's delivered rows (the row observer, on the poller's thread:
// evaluation under a mutex, no database), ticks VM down each second, and writes each
// batch of transitions in one transaction from its own thread. Every hub, evaluator or
// not, reads alertas and silencios each second and hands them to the poller, which
// sends an `alerts` message to every client when they changed. stop() writes what is
// still queued before it releases the lock. Public functions are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert_engine.hpp"
#include "alert_rules.hpp"
#include "db_session.hpp"
#include "poller.hpp"

namespace vmpulse::hub {

struct AlertServiceOptions {
  DbUrl db;
  AlertRules rules;
  std::chrono::milliseconds tick{1000};  // VM down's timer and the view's refresh
  // Called after each committed batch of transitions (the notifier's wake-up); from
  // the service's thread, so it must not block.
  std::function<void()> on_commit;
};

struct AlertServiceStats {
  bool evaluator = false;
  std::uint64_t transitions = 0;  // written by this hub
  std::uint64_t takeovers = 0;    // times this hub became the evaluator
};

class AlertService {
 public:
  AlertService(AlertServiceOptions options, Poller& poller);
  ~AlertService();
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  void start();
  // Writes the transitions still queued (when it is the evaluator), then releases the lock.
  void stop();

  // The poller's row observer: on the poller's thread; never waits on the database.
  void observe(const std::vector<StoredRecord>& rows);
  // Re-reads the alerts and silences now (a silence changed through this hub).
  void refresh();

  // The newest {"active":[…],"silences":[…]} (alert_api.hpp's encode_alerts).
  std::string alerts_json() const;
  AlertServiceStats stats() const;

 private:
  void run();
  void evaluate(std::int64_t now_ms, bool tick);
  void become_evaluator(db::Connection& connection, std::int64_t now_ms);
  void lose_evaluator(const char* why);
  void write(db::Connection& connection, std::int64_t now_ms);
  void read_view(std::int64_t now_ms);

  AlertServiceOptions options_;
  Poller& poller_;
  std::thread thread_;

  mutable std::mutex mutex_;  // guards everything below up to the thread-owned part
  std::condition_variable wake_;
  bool stopping_ = false;
  bool refresh_ = false;
  bool evaluator_ = false;
  // Until this hub has first asked for the lock, the rows it delivers are kept, so the
  // rows of its first polls are evaluated once it becomes the evaluator (a restarted
  // hub skips none); dropped when another hub turns out to hold the lock.
  bool lock_asked_ = false;
  std::vector<StoredRecord> early_rows_;
  AlertEngine engine_;
  std::vector<Transition> queue_;                // evaluated, not yet written
  std::map<std::string, std::int64_t> seen_ms_;  // each VM's last row as received here
  std::string alerts_json_;
  AlertServiceStats stats_;

  // Owned by the service's thread.
  DbSession lock_session_;  // holds the lock and writes
  DbSession view_session_;  // reads what every client sees
  std::chrono::steady_clock::time_point next_expire_{};
  std::string last_problem_;
};

}  // namespace vmpulse::hub
