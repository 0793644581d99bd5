#include "retention.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <variant>

namespace vmpulse::hub {
namespace {

std::int64_t to_i64(const std::optional<std::string>& text) { return text ? std::stoll(*text) : 0; }

}  // namespace

Retention::Retention(RetentionOptions options)
    : options_(std::move(options)), session_(options_.db, "retention") {}

Retention::~Retention() { stop(); }

void Retention::start() {
  thread_ = std::thread([this] { run(); });
}

void Retention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

RetentionStats Retention::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Retention::run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    // Until the database answers, retry at the session's back-off, not every interval.
    std::chrono::milliseconds next = options_.interval;
    if (db::Connection* connection = session_.get()) {
      try {
        const bool ran = run_once(*connection);
        std::lock_guard lock(mutex_);
        ++(ran ? stats_.runs : stats_.skipped);
      } catch (const db::DbError& error) {
        {
          std::lock_guard lock(mutex_);
          ++stats_.db_errors;
        }
        session_.failed(error);
        spdlog::error("retention: {}", error.what());
        next = std::min(next, std::chrono::milliseconds(60'000));
      } catch (const std::exception& error) {
        spdlog::error("retention: {}", error.what());
      }
    } else {
      next = std::chrono::milliseconds(1000);
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, next, [this] { return stopping_; });
  }
}

bool Retention::run_once(db::Connection& connection) {
  // A DDL statement waits for the table's metadata lock, and inserts queue behind it:
  // give up soon (the next run tries again) rather than stall ingest behind a long read.
  connection.execute("SET SESSION lock_wait_timeout = " +
                     std::to_string(options_.lock_wait.count()));
  const auto got = connection.query("SELECT GET_LOCK('" + std::string(kRetentionLock) + "', 0)");
  if (got.empty() || !got[0][0] || *got[0][0] != "1") {
    return false;
  }
  try {
    const auto today_rows = connection.query(kTodaySql);
    if (today_rows.empty() || !today_rows[0][0]) {
      throw std::runtime_error("the database did not answer its UTC date");
    }
    const Day today{std::chrono::days(to_i64(today_rows[0][0]))};
    for (const RetentionTier& tier : options_.tiers) {
      maintain(connection, tier, today);
    }
  } catch (...) {
    try {
      connection.query("SELECT RELEASE_LOCK('" + std::string(kRetentionLock) + "')");
    } catch (const db::DbError&) {
      // The lock goes with the connection, which the caller drops when it was lost.
    }
    throw;
  }
  connection.query("SELECT RELEASE_LOCK('" + std::string(kRetentionLock) + "')");
  return true;
}

void Retention::maintain(db::Connection& connection, const RetentionTier& tier, Day today) {
  std::vector<std::string> names;
  for (const auto& row : connection.query(partition_list_sql(tier.table))) {
    if (row[0]) {
      names.push_back(*row[0]);
    }
  }
  if (names.empty()) {
    // Not partitioned: the row-by-row path, in short transactions.
    const std::string sql =
        expire_rows_sql(tier, retention_cutoff(today, tier.days), options_.batch);
    std::uint64_t deleted = 0;
    while (true) {
      connection.execute(sql);
      const std::uint64_t n = connection.affected_rows();
      deleted += n;
      if (n < options_.batch) {
        break;
      }
      std::lock_guard lock(mutex_);
      if (stopping_) {
        break;
      }
    }
    if (deleted > 0) {
      spdlog::info("retention: deleted {} rows of {} older than {} days", deleted, tier.table,
                   tier.days);
    }
    std::lock_guard lock(mutex_);
    stats_.rows_deleted += deleted;
    return;
  }
  auto planned = plan_partitions(names, today, options_.ahead, tier.days);
  if (auto* problem = std::get_if<std::string>(&planned)) {
    throw std::runtime_error(std::string(tier.table) + ": " + *problem);
  }
  const PartitionPlan& plan = std::get<PartitionPlan>(planned);
  if (const auto sql = split_catch_all_sql(tier.table, plan.create)) {
    connection.execute(*sql);
    spdlog::info("retention: {} gets {} partitions, up to {}", tier.table, plan.create.size(),
                 partition_name(plan.create.back()));
  }
  if (const auto sql = drop_partitions_sql(tier.table, plan.drop)) {
    connection.execute(*sql);
    spdlog::info("retention: {} dropped {} partitions older than {} days ({} to {})", tier.table,
                 plan.drop.size(), tier.days, plan.drop.front(), plan.drop.back());
  }
  std::lock_guard lock(mutex_);
  stats_.partitions_created += plan.create.size();
  stats_.partitions_dropped += plan.drop.size();
}

}  // namespace vmpulse::hub
