// Retention on a thread and a connection of its own (docs/storage.md): every `interval`,
// the hub that gets the database lock 'vmpulse_retention' (the others skip that turn)
// brings each tier to its days. A table partitioned by day (metricas, 007) gets its
// partitions `ahead` days ahead by splitting the catch-all, and loses its expired days by
// DROP PARTITION; a table that is not partitioned (the rollups, or metricas before 007)
// loses its expired rows by batched DELETEs. Each run reads the partitions afresh, so a
// second run, or another hub after this one, finds nothing left to do.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db_session.hpp"
#include "retention_sql.hpp"

namespace vmpulse::hub {

struct RetentionOptions {
  DbUrl db;
  std::vector<RetentionTier> tiers;
  int ahead = 3;                                // days of partitions made ahead of today
  std::chrono::milliseconds interval{600'000};  // between runs
  std::uint64_t batch = 5000;                   // rows per DELETE
  std::chrono::seconds lock_wait{5};            // DDL's wait for a table lock at most
};

struct RetentionStats {
  std::uint64_t runs = 0;     // runs that held the lock and finished
  std::uint64_t skipped = 0;  // runs another hub's lock turned away
  std::uint64_t partitions_created = 0;
  std::uint64_t partitions_dropped = 0;
  std::uint64_t rows_deleted = 0;  // by the row-by-row path
  std::uint64_t db_errors = 0;
};

// The lock's name: one maintainer at a time across hubs.
inline constexpr std::string_view kRetentionLock = "vmpulse_retention";

class Retention {
 public:
  explicit Retention(RetentionOptions options);
  ~Retention();
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  void start();
  void stop();
  RetentionStats stats() const;

  // One run on `connection` (also what the thread does): false when another holder of
  // the lock turned it away. Throws DbError.
  bool run_once(db::Connection& connection);

 private:
  void run();
  void maintain(db::Connection& connection, const RetentionTier& tier, Day today);

  RetentionOptions options_;
  DbSession session_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  RetentionStats stats_;
};

}  // namespace vmpulse::hub
