// The per-minute rollup (db/migrations/002_metricas_minuto.sql) as SQL text: what the
// hub's rollup thread reads and writes, and history answered from it. Pure functions;
// thread-safe. Values are quoted through `quote` (the connection's escaping in the hub,
// a plain quoter in tests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "history_query.hpp"
#include "history_series.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::hub {

// Appends `value` as a quoted SQL string literal.
using Quote = std::function<void(std::string&, std::string_view)>;

// The two rollups: per minute (002, 006) and per hour (007), the same columns each.
enum class RollupTier { minute, hour };
struct RollupTable {
  std::string_view table;   // metricas_minuto, metricas_hora
  std::string_view column;  // its UTC time column: minuto, hora
  std::int64_t seconds;     // 60, 3600
};
RollupTable rollup_table(RollupTier tier);

// Columns of rollup_source_sql's rows and of metricas_minuto, in order: 10 of
// migration 002, then 3 per history series (history_series.hpp, migration 006).
inline constexpr std::size_t kRollupBaseColumns = 10;
inline constexpr std::size_t kRollupColumns = kRollupBaseColumns + 3 * kHistorySeries.size();

// Per VM and minute (or hour), the rows with id in (after, upto]: vm, the period, n, cpu
// sum/min/max, ram sum/min/max, procesos sum, then per series the rows that have it, their sum and
// their maximum (NULL when none has it). A range scan of the primary key.
std::string rollup_source_sql(std::uint64_t after, std::uint64_t upto,
                              RollupTier tier = RollupTier::minute);

// INSERT … ON DUPLICATE KEY UPDATE that adds `rows` (rollup_source_sql's) to their
// minutes (hours): sums and counts added, minimum of minimums, maximum of maximums.
// nullopt when a row is malformed (wrong width, NULL, a number that is not plain, a
// period that is not a whole minute or hour).
std::optional<std::string> rollup_upsert_sql(std::span<const db::Row> rows, const Quote& quote,
                                             RollupTier tier = RollupTier::minute);

// The state row, read under its lock by the writer.
inline constexpr std::string_view kRollupLockSql =
    "SELECT ultimo_id FROM metricas_minuto_estado WHERE id = 1 FOR UPDATE";
std::string rollup_advance_sql(std::uint64_t upto);
// The rollup's position and the newest id, for history to choose its path.
inline constexpr std::string_view kRollupPositionSql =
    "SELECT ultimo_id, (SELECT COALESCE(MAX(id), 0) FROM metricas) FROM metricas_minuto_estado "
    "WHERE id = 1";

// The whole minutes inside [from, to] (to inclusive): [first, end), Unix seconds, both
// multiples of 60; empty (first >= end) when no whole minute fits.
struct MinuteSpan {
  std::int64_t first = 0;
  std::int64_t end = 0;
  bool empty() const { return first >= end; }
};
MinuteSpan whole_minutes(std::int64_t from, std::int64_t to);

// History from the rollup when the rows up to id `rolled` are in it: the whole minutes
// of [from, to] from metricas_minuto, plus from metricas the edges (the seconds of
// [from, to] before the first and after the last whole minute) and the rows of the
// whole minutes that are not rolled up yet (id > rolled, a primary-key range scan); the
// three are merged per bucket in the database. Same columns and values as history_sql.
// Needs bucket % 60 == 0 and a non-empty whole_minutes(from, to); read `rolled` in the
// same consistent snapshot.
std::string history_rollup_sql(const HistoryParams& params, std::int64_t bucket,
                               std::uint64_t rolled);

// The same from the per-hour rollup: whole hours from metricas_hora; the edges before the
// first and after the last whole hour as history_rollup_sql reads them (minutes, then raw
// rows); the rows of the whole hours not rolled up yet from metricas. Needs
// bucket % 3600 == 0. A part older than its tier's retention reads nothing.
std::string history_hour_sql(const HistoryParams& params, std::int64_t bucket,
                             std::uint64_t rolled);

}  // namespace vmpulse::hub
