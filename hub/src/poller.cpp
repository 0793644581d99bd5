#include "poller.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "history_query.hpp"

namespace vmpulse::hub {
namespace {

// Ids this far below MAX(id) at start-up are remembered as seen, so rows of
// transactions in flight while the hub starts are still delivered.
constexpr std::uint64_t kStartupWindow = 1000;

// How often a poll that waits for the io thread's fan-out looks again.
constexpr std::chrono::milliseconds kFanoutRecheck{5};

std::uint64_t to_u64(const std::optional<std::string>& text) {
  return text ? std::stoull(*text) : 0;
}

// The split rows of the poll's UNION: 's', NULL, api, total, then NULLs up to the
// record rows' width ('r' and kRecordColumns).
const std::string kSplitPadding = [] {
  std::string padding;
  for (std::size_t i = 3; i < kRecordColumnCount; ++i) {
    padding += ", NULL";
  }
  return padding;
}();

}  // namespace

Poller::Poller(PollerOptions options)
    : options_(std::move(options)),
      session_(options_.db, "poller"),
      tracker_(options_.late_window),
      fleet_(options_.fleet_interval) {}

Poller::~Poller() { stop(); }

void Poller::start() {
  thread_ = std::thread([this] { run(); });
}

void Poller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    routes_ = VmRoutes();
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Poller::subscribe(const std::shared_ptr<Subscriber>& subscriber, std::string vm, int minutes) {
  {
    std::lock_guard lock(mutex_);
    routes_.add(subscriber);
    requests_[subscriber.get()] = {subscriber, std::move(vm), minutes};
  }
  wake_.notify_one();
}

void Poller::unsubscribe(const Subscriber* subscriber) {
  std::shared_ptr<Subscriber> last_reference;  // released outside the lock
  std::lock_guard lock(mutex_);
  last_reference = routes_.remove(subscriber);
  requests_.erase(subscriber);
}

bool Poller::request_snapshot(const std::weak_ptr<Subscriber>& subscriber, std::string vm,
                              int minutes) {
  const std::shared_ptr<Subscriber> alive = subscriber.lock();
  if (!alive) {
    return true;  // gone: nothing to answer
  }
  {
    std::lock_guard lock(mutex_);
    const auto it = requests_.find(alive.get());
    if (it != requests_.end()) {
      it->second = {subscriber, std::move(vm), minutes};
      return true;
    }
    if (requests_.size() >= options_.max_pending_snapshots) {
      return false;
    }
    requests_.emplace(alive.get(), SnapshotRequest{subscriber, std::move(vm), minutes});
  }
  wake_.notify_one();
  return true;
}

std::string Poller::vms_json() const {
  std::lock_guard lock(mutex_);
  return vms_->json;
}

std::string Poller::vms_json(const LabelFilter& filter) const {
  std::shared_ptr<const VmList> vms;
  {
    std::lock_guard lock(mutex_);
    vms = vms_;
  }
  return select_vms(*vms, filter);  // outside the lock: 10,000 entries to look at
}

std::map<std::string, std::int64_t> Poller::loaded_last_seen() const {
  std::lock_guard lock(mutex_);
  return loaded_last_seen_;
}

void Poller::set_alerts(std::string alerts) {
  {
    std::lock_guard lock(mutex_);
    alerts_ = std::move(alerts);
    alerts_unsent_ = true;
  }
  wake_.notify_one();
}

PollerStats Poller::stats() const {
  std::lock_guard lock(mutex_);
  PollerStats stats = stats_;
  stats.subscribers = routes_.size();
  return stats;
}

void Poller::report(const std::string& problem) {
  // The same failure repeats every poll (a missing table, a bad grant): say it once a
  // minute, not four times a second.
  const auto now = std::chrono::steady_clock::now();
  if (problem == last_problem_ && now - last_report_ < std::chrono::minutes(1)) {
    return;
  }
  spdlog::error("poller: {}", problem);
  last_problem_ = problem;
  last_report_ = now;
}

void Poller::run() {
  auto next_poll = std::chrono::steady_clock::now();
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    db::Connection* connection = session_.get();
    bool backlog = false;
    if (connection) {
      try {
        if (!loaded_) {
          load(*connection);
        }
        if (std::chrono::steady_clock::now() >= next_poll) {
          if (fanout_busy_) {
            // The io thread is still writing the last update: poll once it is done,
            // with everything new in one message, instead of queueing updates for it.
            next_poll = std::chrono::steady_clock::now() + kFanoutRecheck;
          } else {
            backlog = poll(*connection);
            next_poll = std::chrono::steady_clock::now() + options_.poll;
            std::lock_guard lock(mutex_);
            stats_.last_poll = std::chrono::steady_clock::now();
          }
        }
        serve_snapshots(*connection);
        send_alerts();
        ready_ = true;
      } catch (const db::DbError& error) {
        {
          std::lock_guard lock(mutex_);
          ++stats_.db_errors;
        }
        session_.failed(error);
        if (error.connection_lost()) {
          ready_ = false;
        } else {
          report(error.what());
        }
        next_poll = std::chrono::steady_clock::now() + options_.poll;
      } catch (const std::exception& error) {
        report(error.what());
        next_poll = std::chrono::steady_clock::now() + options_.poll;
      }
    } else {
      ready_ = false;
    }
    if (backlog) {
      continue;
    }
    std::unique_lock lock(mutex_);
    // While the database is down, retry at the session's own back-off pace.
    const auto until =
        connection ? next_poll : std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    wake_.wait_until(lock, until, [this] {
      return stopping_ || (!requests_.empty() && loaded_) || (alerts_unsent_ && !fanout_busy_);
    });
  }
}

void Poller::load(db::Connection& connection) {
  // One consistent view, so the counts, the latest rows and the seen ids agree.
  connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  try {
    LiveState state;
    const auto max_rows = connection.query("SELECT COALESCE(MAX(id), 0) FROM metricas");
    const std::uint64_t max_id = max_rows.empty() ? 0 : to_u64(max_rows[0][0]);
    for (const auto& row :
         connection.query("SELECT vm, MAX(hora), COUNT(*) FROM metricas GROUP BY vm")) {
      if (!row[0] || !row[1]) {
        continue;
      }
      state.add_vm(*row[0], *row[1], to_u64(row[2]));
    }
    for (const auto& [vm, entry] : std::map<std::string, VmEntry>(state.vms())) {
      std::string sql = "SELECT " + std::string(kRecordColumns) + " FROM metricas WHERE vm = ";
      connection.append_quoted(sql, vm);
      sql += " ORDER BY hora DESC, id DESC LIMIT 1";
      for (const auto& row : connection.query(sql)) {
        auto record = from_row(row);
        if (auto* ok = std::get_if<StoredRecord>(&record)) {
          state.set_latest(std::move(*ok));
        }
      }
    }
    Split split;
    for (const auto& row : connection.query("SELECT api, total FROM metricas_por_api")) {
      if (row[0]) {
        split.per_api[*row[0]] = to_u64(row[1]);
      }
    }
    state.set_split(std::move(split));
    const std::uint64_t start = max_id > kStartupWindow ? max_id - kStartupWindow : 0;
    tracker_.start_at(start);
    const auto now = RowTracker::Clock::now();
    for (const auto& row :
         connection.query("SELECT id FROM metricas WHERE id > " + std::to_string(start))) {
      tracker_.accept(to_u64(row[0]), now);
    }
    tracker_.settle(now);
    connection.commit();
    std::map<std::string, std::int64_t> last_seen;
    for (const auto& [vm, entry] : state.vms()) {
      if (const auto seconds = parse_time(entry.last)) {
        last_seen.emplace(vm, *seconds * 1000);
      }
    }
    {
      std::lock_guard lock(mutex_);
      loaded_last_seen_ = std::move(last_seen);
    }
    state_ = std::move(state);
    loaded_ = true;
    settled_ = tracker_.watermark();
    publish_state();
    spdlog::info("poller: loaded {} VMs, {} rows stored per route, newest id {}",
                 state_.vms().size(), state_.split().total(), max_id);
  } catch (...) {
    connection.rollback();
    throw;
  }
}

bool Poller::poll(db::Connection& connection) {
  // One statement: the new rows (and late rows of id gaps) plus the per-route counts,
  // read in one consistent view.
  std::string sql = "(SELECT 'r', " + std::string(kRecordColumns) + " FROM metricas WHERE " +
                    tracker_.where_clause() + " ORDER BY id LIMIT " +
                    std::to_string(options_.batch) + ") UNION ALL (SELECT 's', NULL, api, total" +
                    kSplitPadding + " FROM metricas_por_api)";
  const auto rows = connection.query(sql);
  const auto now = RowTracker::Clock::now();
  const std::uint64_t max_before = tracker_.max_seen();
  std::vector<StoredRecord> fresh;
  std::size_t record_rows = 0;
  Split split;
  std::uint64_t late = 0;
  for (const auto& row : rows) {
    if (row.empty() || !row[0]) {
      continue;
    }
    if (*row[0] == "s") {
      if (row.size() > 3 && row[2]) {
        split.per_api[*row[2]] = to_u64(row[3]);
      }
      continue;
    }
    ++record_rows;
    auto parsed = from_row(row, 1);
    if (auto* error = std::get_if<std::string>(&parsed)) {
      spdlog::error("poller: skipping a malformed row: {}", *error);
      continue;
    }
    auto& record = std::get<StoredRecord>(parsed);
    if (!tracker_.accept(record.id, now)) {
      continue;
    }
    if (record.id < max_before) {
      ++late;
    }
    fresh.push_back(std::move(record));
  }
  tracker_.settle(now);
  settled_ = tracker_.watermark();
  const bool split_changed = !(split == state_.split());
  state_.set_split(std::move(split));
  {
    std::lock_guard lock(mutex_);
    ++stats_.polls;
    stats_.rows_delivered += fresh.size();
    stats_.late_rows += late;
  }
  if (fresh.empty()) {
    if (split_changed) {
      publish_state();
    }
    send_fleet({});  // VMs that changed while the last message was too recent
    return false;
  }
  std::sort(fresh.begin(), fresh.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const auto& record : fresh) {
    state_.apply(record);
  }
  if (observer_) {
    observer_(fresh);
  }
  std::shared_ptr<const VmRoutes::Table> table;
  {
    std::lock_guard lock(mutex_);
    routes_.route_unrouted(fresh.front().vm);
    table = routes_.table();
  }
  // Encoded outside the lock: subscribing and leaving do not wait for it.
  std::vector<Delivery> deliveries = records_deliveries(fresh, state_.split(), *table);
  fleet_.changed(fresh);
  send_fleet(std::move(deliveries));
  publish_state();
  return record_rows >= options_.batch;
}

void Poller::send_fleet(std::vector<Delivery> deliveries) {
  if (auto fleet = fleet_.take(state_, std::chrono::steady_clock::now())) {
    SubscriberList everyone;
    {
      std::lock_guard lock(mutex_);
      everyone = routes_.table()->everyone;
    }
    deliveries.push_back({make_message(*fleet), std::move(everyone)});
  }
  if (!deliveries.empty()) {
    send(std::move(deliveries));
  }
}

void Poller::send(std::vector<Delivery> deliveries) {
  if (fanout_) {
    fanout_busy_ = true;
    fanout_(std::move(deliveries));
    return;
  }
  for (const Delivery& delivery : deliveries) {
    for (const auto& subscriber : *delivery.subscribers) {
      subscriber->deliver_update(delivery.message);
    }
  }
}

void Poller::send_to_all(const Message& message) {
  SubscriberList everyone;
  {
    std::lock_guard lock(mutex_);
    everyone = routes_.table()->everyone;
  }
  std::vector<Delivery> deliveries;
  deliveries.push_back({message, std::move(everyone)});
  send(std::move(deliveries));
}

void Poller::send_alerts() {
  if (fanout_busy_) {
    return;  // after the fan-out in flight, like the next poll
  }
  std::string alerts;
  {
    std::lock_guard lock(mutex_);
    if (!alerts_unsent_) {
      return;
    }
    alerts_unsent_ = false;
    alerts = alerts_;
  }
  send_to_all(make_message(encode_alerts_message(alerts)));
}

void Poller::serve_snapshots(db::Connection& connection) {
  std::unordered_map<const Subscriber*, SnapshotRequest> requests;
  {
    std::lock_guard lock(mutex_);
    requests.swap(requests_);
  }
  if (requests.empty()) {
    return;
  }
  // Clients that asked for the same VM and window share one query and one buffer.
  std::map<std::pair<std::string, int>, std::vector<std::weak_ptr<Subscriber>>> groups;
  const auto newest = state_.newest_vm();
  for (auto& [key, request] : requests) {
    // No VM named (a resync of a client that never chose one): the VM it watches, so
    // its view does not jump to another; a new client: the VM that reported last.
    std::string vm = request.vm;
    if (vm.empty()) {
      std::lock_guard lock(mutex_);
      vm = routes_.vm_of(key);
    }
    if (vm.empty()) {
      vm = newest.value_or("");
    }
    groups[{std::move(vm), request.minutes}].push_back(std::move(request.subscriber));
  }
  for (const auto& [key, subscribers] : groups) {
    const auto& [vm, minutes] = key;
    std::vector<StoredRecord> series;
    const VmEntry* entry = vm.empty() ? nullptr : state_.find(vm);
    if (entry) {
      // The window ends at the VM's newest sample, so a VM that stopped reporting still
      // shows its last minutes. Rows not yet delivered are left to the updates. The
      // series feeds the charts only: procesos_top stays out (the latest row carries
      // it), else a version 2 VM's snapshot is several times a version 1 one's and its
      // dashboard's first paint waits for it.
      std::string sql =
          "SELECT " + std::string(kRecordColumnsBeforeProcesses) + "NULL FROM metricas WHERE vm = ";
      connection.append_quoted(sql, vm);
      sql += " AND hora >= DATE_SUB(";
      connection.append_quoted(sql, entry->last);
      sql += ", INTERVAL " + std::to_string(minutes) +
             " MINUTE) AND id <= " + std::to_string(tracker_.max_seen()) +
             " ORDER BY hora DESC, id DESC LIMIT " + std::to_string(options_.series_limit);
      for (const auto& row : connection.query(sql)) {
        auto parsed = from_row(row);
        if (auto* record = std::get_if<StoredRecord>(&parsed);
            record && tracker_.delivered(record->id)) {
          series.push_back(std::move(*record));
        }
      }
      std::reverse(series.begin(), series.end());
      std::lock_guard lock(mutex_);
      ++stats_.snapshot_queries;
    }
    const std::optional<std::string> chosen =
        vm.empty() ? std::nullopt : std::optional<std::string>(vm);
    std::string alerts;
    {
      std::lock_guard lock(mutex_);
      alerts = alerts_;
    }
    const Message snapshot = make_message(encode_snapshot(chosen, minutes, state_, series, alerts));
    for (const auto& weak : subscribers) {
      if (auto subscriber = weak.lock()) {
        subscriber->deliver_snapshot(snapshot);
        // The updates after this snapshot carry its VM's rows (none while vm is "").
        std::lock_guard lock(mutex_);
        routes_.route(subscriber.get(), vm);
      }
    }
  }
}

void Poller::publish_state() {
  auto vms = std::make_shared<const VmList>(encode_vm_list(state_));
  std::lock_guard lock(mutex_);
  vms_ = std::move(vms);
}

}  // namespace vmpulse::hub
