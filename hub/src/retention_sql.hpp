// The retention tiers (docs/storage.md) as SQL text: metricas' daily partitions
// (db/migrations/007) created ahead and dropped whole, and the batched DELETE for a table
// that is not partitioned. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vmpulse::hub {

using Day = std::chrono::sys_days;  // a UTC day

// A table that retention keeps `days` days of, by its UTC time column.
struct RetentionTier {
  std::string_view table;
  std::string_view column;
  int days = 0;
};

// The three tiers: raw rows (metricas), the per-minute rollup, the per-hour rollup.
std::vector<RetentionTier> retention_tiers(int raw_days, int minute_days, int hour_days);

// The catch-all partition that takes every row no day partition does (007).
inline constexpr std::string_view kCatchAllPartition = "pmax";

// "p20261205": the partition holding the rows of that day (hora < the next day).
std::string partition_name(Day day);
// The day of a partition named as partition_name does; nullopt for any other name.
std::optional<Day> partition_day(std::string_view name);

// Its partitions' names (none: the table is not partitioned).
std::string partition_list_sql(std::string_view table);

struct PartitionPlan {
  std::vector<Day> create;        // split off the catch-all, oldest first
  std::vector<std::string> drop;  // expired: their day is before today - keep_days
};

// What brings a table partitioned by day to: a partition for every day up to
// today + ahead, none for a day before today - keep_days (those rows are expired). Days
// are created from the newest one on, but never before the first kept day (a gap of
// expired days becomes one partition, that the next run drops). An error when the
// table lacks the catch-all partition (not partitioned as 007 does it).
std::variant<PartitionPlan, std::string> plan_partitions(std::span<const std::string> existing,
                                                         Day today, int ahead, int keep_days);

// ALTER TABLE … REORGANIZE PARTITION pmax INTO (the days, pmax); nullopt for no days.
std::optional<std::string> split_catch_all_sql(std::string_view table, std::span<const Day> days);
// ALTER TABLE … DROP PARTITION a, b; nullopt for no names.
std::optional<std::string> drop_partitions_sql(std::string_view table,
                                               std::span<const std::string> names);

// The first kept day's midnight: rows before it are expired (the same boundary as the
// partitions' so that both paths keep the same rows).
Day retention_cutoff(Day today, int keep_days);
// One batch of the row-by-row path: DELETE … WHERE column < cutoff ORDER BY column LIMIT.
std::string expire_rows_sql(const RetentionTier& tier, Day cutoff, std::uint64_t batch);

// The database's UTC day as days since 1970-01-01.
inline constexpr std::string_view kTodaySql = "SELECT DATEDIFF(UTC_DATE(), '1970-01-01')";

}  // namespace vmpulse::hub
