#include "alert_service.hpp"

#include <spdlog/spdlog.h>

#include "alert_api.hpp"
#include "alert_store.hpp"

namespace vmpulse::hub {
namespace {

constexpr std::string_view kLockName = "vmpulse_alerts";
// Expired silences are deleted this often (by the evaluator); they stop applying at
// their end anyway, this only keeps the table small.
constexpr std::chrono::minutes kExpireEvery{1};
// Rows kept before the first lock request at most (a few polls of a large fleet).
constexpr std::size_t kEarlyRowsMax = 100000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_one(const std::vector<db::Row>& rows) {
  return !rows.empty() && !rows[0].empty() && rows[0][0] && *rows[0][0] == "1";
}

}  // namespace

AlertService::AlertService(AlertServiceOptions options, Poller& poller)
    : options_(std::move(options)),
      poller_(poller),
      engine_(options_.rules),
      alerts_json_(kNoAlerts),
      lock_session_(options_.db, "alerts"),
      view_session_(options_.db, "alerts-view") {}

AlertService::~AlertService() { stop(); }

void AlertService::start() {
  thread_ = std::thread([this] { run(); });
}

void AlertService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AlertService::observe(const std::vector<StoredRecord>& rows) {
  const std::int64_t received = now_ms();
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& row : rows) {
      seen_ms_[row.vm] = received;
      if (evaluator_) {
        engine_.observe(row, received, queue_);
      } else if (!lock_asked_ && early_rows_.size() < kEarlyRowsMax) {
        early_rows_.push_back(row);
      }
    }
    // Not asked yet: ask now rather than at the next tick.
    queued = !queue_.empty() || (!lock_asked_ && !rows.empty());
    refresh_ = refresh_ || !lock_asked_;
  }
  if (queued) {
    wake_.notify_one();  // written now, not at the next tick: notifications wait on it
  }
}

void AlertService::refresh() {
  {
    std::lock_guard lock(mutex_);
    refresh_ = true;
  }
  wake_.notify_one();
}

std::string AlertService::alerts_json() const {
  std::lock_guard lock(mutex_);
  return alerts_json_;
}

AlertServiceStats AlertService::stats() const {
  std::lock_guard lock(mutex_);
  AlertServiceStats stats = stats_;
  stats.evaluator = evaluator_;
  return stats;
}

void AlertService::run() {
  auto next_tick = std::chrono::steady_clock::now();
  while (true) {
    bool stopping = false;
    bool tick = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick,
                       [this] { return stopping_ || refresh_ || !queue_.empty(); });
      stopping = stopping_;
      refresh_ = false;
    }
    if (std::chrono::steady_clock::now() >= next_tick) {
      tick = true;
      next_tick = std::chrono::steady_clock::now() + options_.tick;
    }
    const std::int64_t now = now_ms();
    evaluate(now, tick && !stopping);
    if (stopping) {
      break;
    }
    read_view(now);
  }
  // Closing the connection releases the lock; say so first, for the next evaluator.
  if (db::Connection* connection = lock_session_.get(); connection && stats().evaluator) {
    try {
      connection->query("SELECT RELEASE_LOCK('" + std::string(kLockName) + "')");
    } catch (const db::DbError&) {
      // The connection is gone: the lock went with it.
    }
  }
}

void AlertService::evaluate(std::int64_t now_ms, bool tick) {
  db::Connection* connection = lock_session_.get();
  if (!connection) {
    lose_evaluator("the database is unreachable");
    return;
  }
  try {
    bool evaluator = false;
    {
      std::lock_guard lock(mutex_);
      evaluator = evaluator_;
    }
    if (!evaluator) {
      // Only once the poller has loaded: the restore needs each VM's last row.
      if (!poller_.ready()) {
        return;
      }
      if (!is_one(connection->query("SELECT GET_LOCK('" + std::string(kLockName) + "', 0)"))) {
        std::lock_guard lock(mutex_);
        lock_asked_ = true;  // another hub evaluates: it has seen these rows
        early_rows_.clear();
        return;
      }
      become_evaluator(*connection, now_ms);
    } else if (tick && !is_one(connection->query("SELECT IS_USED_LOCK('" + std::string(kLockName) +
                                                 "') = CONNECTION_ID()"))) {
      lose_evaluator("the database lock is held by another connection");
      return;
    }
    if (tick) {
      std::lock_guard lock(mutex_);
      engine_.tick(now_ms, queue_);
    }
    write(*connection, now_ms);
    if (tick && std::chrono::steady_clock::now() >= next_expire_) {
      next_expire_ = std::chrono::steady_clock::now() + kExpireEvery;
      expire_silences(*connection, now_ms / 1000);
    }
  } catch (const db::DbError& error) {
    lock_session_.failed(error);
    if (error.connection_lost()) {
      lose_evaluator("lost the database connection");
    } else if (error.what() != last_problem_) {
      spdlog::error("alerts: {}", error.what());
      last_problem_ = error.what();
    }
  }
}

void AlertService::become_evaluator(db::Connection& connection, std::int64_t now_ms) {
  const std::vector<Alert> active = load_active_alerts(connection);
  // A VM's last row: as this hub received it, else its newest sample at the poller's
  // start-up load.
  std::map<std::string, std::int64_t> last_seen = poller_.loaded_last_seen();
  std::lock_guard lock(mutex_);
  for (const auto& [vm, ms] : seen_ms_) {
    last_seen[vm] = ms;
  }
  engine_.restore(active, last_seen);
  queue_.clear();
  for (const auto& row : early_rows_) {
    engine_.observe(row, now_ms, queue_);
  }
  early_rows_.clear();
  lock_asked_ = true;
  evaluator_ = true;
  ++stats_.takeovers;
  spdlog::info("alerts: this hub evaluates the rules now ({} active alerts restored, {} VMs)",
               active.size(), last_seen.size());
}

void AlertService::lose_evaluator(const char* why) {
  std::lock_guard lock(mutex_);
  if (!evaluator_) {
    return;
  }
  // What was evaluated and not written is dropped: the next evaluator (maybe this hub
  // again) restores from the database and evaluates from there.
  evaluator_ = false;
  queue_.clear();
  spdlog::warn("alerts: this hub no longer evaluates: {}", why);
}

void AlertService::write(db::Connection& connection, std::int64_t now_ms) {
  std::vector<Transition> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) {
    return;
  }
  try {
    write_transitions(connection, batch, now_ms / 1000);
  } catch (...) {
    // Kept in order for the next try (a deadlock, a timeout); dropped if the lock is lost.
    std::lock_guard lock(mutex_);
    batch.insert(batch.end(), std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.end()));
    queue_ = std::move(batch);
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    stats_.transitions += batch.size();
  }
  for (const auto& transition : batch) {
    spdlog::info("alert {} {} {}{}", transition.alert.rule, transition.alert.vm,
                 to_string(transition.alert.state), transition.alert.silenced ? " (silenced)" : "");
  }
  if (options_.on_commit) {
    options_.on_commit();
  }
}

void AlertService::read_view(std::int64_t now_ms) {
  db::Connection* connection = view_session_.get();
  if (!connection) {
    return;
  }
  try {
    const std::int64_t now_s = now_ms / 1000;
    const std::vector<Alert> active = load_active_alerts(*connection);
    const std::vector<Silence> silences = load_silences(*connection, now_s);
    std::string json = encode_alerts(active, silences, now_s);
    bool changed = false;
    bool evaluator = false;
    {
      std::lock_guard lock(mutex_);
      evaluator = evaluator_;
      if (json != alerts_json_) {
        alerts_json_ = json;
        changed = true;
      }
    }
    if (changed) {
      poller_.set_alerts(std::move(json));
    }
    if (evaluator) {
      if (db::Connection* writer = lock_session_.get()) {
        sync_silenced(*writer, active, silences, now_s);
      }
    }
  } catch (const db::DbError& error) {
    view_session_.failed(error);
    if (!error.connection_lost() && error.what() != last_problem_) {
      spdlog::error("alerts: {}", error.what());
      last_problem_ = error.what();
    }
  }
}

}  // namespace vmpulse::hub
