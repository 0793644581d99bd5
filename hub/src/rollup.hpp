// The per-minute rollup of metricas (db/migrations/002_metricas_minuto.sql), kept by the
// hub on a thread and a connection of its own, and GET /api/history answered from it.
//
// Each step, in one transaction holding the state row's lock: read ultimo_id, add the
// rows with id in (ultimo_id, upto] to their minutes, set ultimo_id = upto. `upto` is
// the poller's settled watermark (every id at or below it has committed or never will),
// at most `chunk` ids ahead, so a start-up catch-up over millions of rows is many short
// transactions and never blocks the poll or /ws. Several hubs on one database, a crash
// or a restart neither skip nor double-count a row. docs/hub.md, "History".
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "db_session.hpp"
#include "history_query.hpp"
#include "history_tier.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

struct RollupOptions {
  DbUrl db;
  std::chrono::milliseconds interval{1000};  // between steps once caught up
  std::uint64_t chunk = 50'000;              // ids per transaction at most
  std::size_t rows_per_statement = 1000;     // minutes per INSERT
};

struct RollupStats {
  std::uint64_t rolled_id = 0;                        // ultimo_id as last read or written
  std::uint64_t behind = 0;                           // settled ids not rolled up yet, as last seen
  std::uint64_t rows = 0;                             // metricas rows this hub added to the rollup
  std::uint64_t steps = 0;                            // transactions that moved ultimo_id
  std::uint64_t db_errors = 0;                        // steps that failed on the database
  std::chrono::steady_clock::time_point caught_up{};  // when ultimo_id last reached settled
};

class Rollup {
 public:
  // `settled`: the poller's watermark; 0 while unknown (nothing is done until then).
  Rollup(RollupOptions options, std::function<std::uint64_t()> settled);
  ~Rollup();
  Rollup(const Rollup&) = delete;
  Rollup& operator=(const Rollup&) = delete;

  void start();
  void stop();
  RollupStats stats() const;

 private:
  void run();
  bool step(db::Connection& connection);  // true when more is waiting
  void report(const std::string& problem);

  RollupOptions options_;
  std::function<std::uint64_t()> settled_;
  DbSession session_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  RollupStats stats_;
  // Owned by the thread.
  std::string last_problem_;
  std::chrono::steady_clock::time_point last_report_{};
  std::chrono::steady_clock::time_point catch_up_start_{};
  std::uint64_t catch_up_rows_ = 0;
};

// With more settled-but-unrolled ids than this (a catch-up in progress), history reads
// raw rows: scanning the unrolled ids would cost more than the raw query.
inline constexpr std::uint64_t kMaxUnrolledIds = 50'000;

// Raw history's longest span by default: two days of a VM at 1 s is 172,800 rows.
inline constexpr std::int64_t kDefaultMaxRawSeconds = 2LL * 24 * 3600;

struct HistoryLimits {
  std::int64_t max_raw_seconds = kDefaultMaxRawSeconds;  // raw history's longest span
  TierDays days;                                         // what each tier still holds
  std::int64_t now = 0;                                  // Unix seconds
};

// GET /api/history's answer for valid `params`: from the tier choose_history_tier picks
// (history_tier.hpp); a rollup answers when it is within kMaxUnrolledIds of the newest
// id (or was asked for by name), otherwise raw rows do; the same body either way, the
// path in the X-History-Source header (raw, rollup, hour). Raw rows are read for spans
// up to `max_raw_seconds` only (their scan grows with the span): past it, 400 when raw
// was asked for or the buckets are under a minute (the error says what to ask instead),
// 503 while the rollup is not there or catching up. Throws db::DbError (the
// QueryRunner answers 503 or 500).
http::Response history_response(db::Connection& connection, const HistoryParams& params,
                                const HistoryLimits& limits);

}  // namespace vmpulse::hub
