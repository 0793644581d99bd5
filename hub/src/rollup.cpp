#include "rollup.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "rollup_sql.hpp"

namespace vmpulse::hub {
namespace {

constexpr unsigned kNoSuchTable = 1146;  // ER_NO_SUCH_TABLE: migration 002 not applied

std::uint64_t to_u64(const std::optional<std::string>& text) {
  return text ? std::stoull(*text) : 0;
}

}  // namespace

Rollup::Rollup(RollupOptions options, std::function<std::uint64_t()> settled)
    : options_(std::move(options)), settled_(std::move(settled)), session_(options_.db, "rollup") {}

Rollup::~Rollup() { stop(); }

void Rollup::start() {
  thread_ = std::thread([this] { run(); });
}

void Rollup::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

RollupStats Rollup::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Rollup::report(const std::string& problem) {
  const auto now = std::chrono::steady_clock::now();
  if (problem == last_problem_ && now - last_report_ < std::chrono::minutes(1)) {
    return;
  }
  spdlog::error("rollup: {}", problem);
  last_problem_ = problem;
  last_report_ = now;
}

void Rollup::run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    bool more = false;
    if (db::Connection* connection = session_.get()) {
      try {
        more = step(*connection);
      } catch (const db::DbError& error) {
        {
          std::lock_guard lock(mutex_);
          ++stats_.db_errors;
        }
        session_.failed(error);
        if (error.code() == kNoSuchTable) {
          report(std::string(error.what()) + " (apply db/migrations: ./vmpulse db migrate)");
        } else if (!error.connection_lost()) {
          report(error.what());
        }
      } catch (const std::exception& error) {
        report(error.what());
      }
    }
    if (more) {
      continue;  // catching up: the next chunk at once
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

bool Rollup::step(db::Connection& connection) {
  const std::uint64_t settled = settled_();
  if (settled == 0) {
    return false;
  }
  connection.begin();
  try {
    // The lock makes hubs on one database take turns; under it ultimo_id is current.
    const auto state = connection.query(kRollupLockSql);
    if (state.empty() || !state[0][0]) {
      throw std::runtime_error("metricas_minuto_estado has no row 1 (apply db/migrations)");
    }
    const std::uint64_t last = to_u64(state[0][0]);
    if (last >= settled) {
      connection.commit();
      std::lock_guard lock(mutex_);
      stats_.rolled_id = last;
      stats_.behind = 0;
      stats_.caught_up = std::chrono::steady_clock::now();
      return false;
    }
    const std::uint64_t upto = std::min(settled, last + options_.chunk);
    const auto started = std::chrono::steady_clock::now();
    if (upto < settled && catch_up_rows_ == 0) {
      spdlog::info("rollup: catching up from id {} to {}", last, settled);
      catch_up_start_ = started;
    }
    std::uint64_t rows = 0;
    const Quote quote = [&connection](std::string& sql, std::string_view value) {
      connection.append_quoted(sql, value);
    };
    // The same ids into both rollups, so each holds exactly the rows up to ultimo_id.
    for (const RollupTier tier : {RollupTier::minute, RollupTier::hour}) {
      const auto periods = connection.query(rollup_source_sql(last, upto, tier));
      for (std::size_t at = 0; at < periods.size(); at += options_.rows_per_statement) {
        const std::span<const db::Row> part(
            periods.data() + at, std::min(options_.rows_per_statement, periods.size() - at));
        const auto sql = rollup_upsert_sql(part, quote, tier);
        if (!sql) {
          throw std::runtime_error("a malformed rollup row after id " + std::to_string(last));
        }
        connection.execute(*sql);
        if (tier == RollupTier::minute) {
          for (const auto& row : part) {
            rows += to_u64(row[2]);
          }
        }
      }
    }
    connection.execute(rollup_advance_sql(upto));
    connection.commit();
    if (upto < settled || catch_up_rows_ > 0) {
      catch_up_rows_ += rows;
    }
    if (upto >= settled && catch_up_rows_ > 0) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - catch_up_start_;
      spdlog::info("rollup: caught up at id {}: {} rows in {:.1f} s", upto, catch_up_rows_,
                   took.count());
      catch_up_rows_ = 0;
    }
    std::lock_guard lock(mutex_);
    stats_.rolled_id = upto;
    stats_.behind = settled - upto;
    stats_.rows += rows;
    ++stats_.steps;
    if (upto >= settled) {
      stats_.caught_up = std::chrono::steady_clock::now();
    }
    return upto < settled;
  } catch (...) {
    connection.rollback();
    throw;
  }
}

http::Response history_response(db::Connection& connection, const HistoryParams& params,
                                const HistoryLimits& limits) {
  const TierChoice choice = choose_history_tier(params, limits.now, limits.days);
  const std::int64_t bucket = choice.bucket;
  const bool raw_too_long = params.to - params.from > limits.max_raw_seconds;
  const std::string raw_limit = std::to_string(limits.max_raw_seconds / 3600) + " h";
  if (raw_too_long && choice.tier == HistoryTier::raw) {
    return http::Response::error(
        400, "span_too_long_for_raw",
        "raw rows answer spans up to " + raw_limit +
            "; ask for a shorter span, or fewer points so that buckets are whole minutes "
            "(those come from the per-minute rollup)");
  }
  std::vector<db::Row> rows;
  std::string_view source = "raw";
  if (choice.tier == HistoryTier::hour ||
      (choice.tier == HistoryTier::minute && !whole_minutes(params.from, params.to).empty())) {
    // The rollup's position and its rows must come from one snapshot, or rows rolled up
    // in between would be counted twice.
    connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    try {
      const auto position = connection.query(kRollupPositionSql);
      if (!position.empty() && position[0][0] && position[0][1]) {
        const std::uint64_t rolled = to_u64(position[0][0]);
        const std::uint64_t newest = to_u64(position[0][1]);
        if (params.source != HistorySource::automatic || newest <= rolled + kMaxUnrolledIds) {
          rows = connection.query(choice.tier == HistoryTier::hour
                                      ? history_hour_sql(params, bucket, rolled)
                                      : history_rollup_sql(params, bucket, rolled));
          source = history_tier_name(choice.tier);
        }
      }
      connection.commit();
    } catch (const db::DbError& error) {
      connection.rollback();
      if (error.code() != kNoSuchTable) {
        throw;
      }
    }
  }
  if (source == "raw") {
    if (raw_too_long) {
      http::Response response =
          http::Response::error(503, "rollup_not_ready",
                                "the rollup is catching up, and raw rows answer spans up to " +
                                    raw_limit + " only; retry shortly or ask for a shorter span");
      response.headers.emplace_back("Retry-After", "5");
      return response;
    }
    rows = connection.query(history_sql(params, bucket));
  }
  auto encoded = encode_history(params, bucket, rows);
  if (auto* error = std::get_if<EncodeError>(&encoded)) {
    return http::Response::error(500, "internal_error", error->detail);
  }
  http::Response response = http::Response::json(200, std::move(std::get<std::string>(encoded)));
  response.headers.emplace_back("X-History-Source", std::string(source));
  return response;
}

}  // namespace vmpulse::hub
