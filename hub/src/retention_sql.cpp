#include "retention_sql.hpp"

#include <algorithm>
#include <cstdio>

namespace vmpulse::hub {
namespace {

// The day as `pattern` writes year, month and day ("%04d-%02u-%02u").
std::string day_text(Day day, const char* pattern) {
  const std::chrono::year_month_day ymd{day};
  char text[32];
  std::snprintf(text, sizeof text, pattern, static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

std::string iso_day(Day day) { return day_text(day, "%04d-%02u-%02u"); }

}  // namespace

std::vector<RetentionTier> retention_tiers(int raw_days, int minute_days, int hour_days) {
  return {{"metricas", "hora", raw_days},
          {"metricas_minuto", "minuto", minute_days},
          {"metricas_hora", "hora", hour_days}};
}

std::string partition_name(Day day) { return day_text(day, "p%04d%02u%02u"); }

std::optional<Day> partition_day(std::string_view name) {
  if (name.size() != 9 || name[0] != 'p' ||
      name.find_first_not_of("0123456789", 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t n) {
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      value = value * 10 + (name[i] - '0');
    }
    return value;
  };
  const std::chrono::year_month_day ymd{std::chrono::year(number(1, 4)),
                                        std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                        std::chrono::day(static_cast<unsigned>(number(7, 2)))};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return Day(ymd);
}

std::string partition_list_sql(std::string_view table) {
  // table is one of the tiers' constant names, never input.
  return "SELECT partition_name FROM information_schema.partitions WHERE table_schema = "
         "DATABASE() AND table_name = '" +
         std::string(table) + "' AND partition_name IS NOT NULL";
}

std::variant<PartitionPlan, std::string> plan_partitions(std::span<const std::string> existing,
                                                         Day today, int ahead, int keep_days) {
  if (std::find(existing.begin(), existing.end(), kCatchAllPartition) == existing.end()) {
    return std::string("no partition ") + std::string(kCatchAllPartition) +
           " (VALUES LESS THAN MAXVALUE): not partitioned as db/migrations/007 does";
  }
  const Day cutoff = retention_cutoff(today, keep_days);
  PartitionPlan plan;
  std::optional<Day> newest;
  for (const std::string& name : existing) {
    if (const auto day = partition_day(name)) {
      newest = newest ? std::max(*newest, *day) : *day;
      if (*day < cutoff) {
        plan.drop.push_back(name);
      }
    }
  }
  std::sort(plan.drop.begin(), plan.drop.end());
  Day first = newest ? *newest + std::chrono::days(1) : today;
  first = std::max(first, cutoff);
  for (Day day = first; day <= today + std::chrono::days(ahead); day += std::chrono::days(1)) {
    plan.create.push_back(day);
  }
  return plan;
}

std::optional<std::string> split_catch_all_sql(std::string_view table, std::span<const Day> days) {
  if (days.empty()) {
    return std::nullopt;
  }
  std::string sql = "ALTER TABLE " + std::string(table) + " REORGANIZE PARTITION " +
                    std::string(kCatchAllPartition) + " INTO (";
  for (const Day day : days) {
    sql += "PARTITION " + partition_name(day) + " VALUES LESS THAN ('" +
           iso_day(day + std::chrono::days(1)) + "'), ";
  }
  return sql + "PARTITION " + std::string(kCatchAllPartition) + " VALUES LESS THAN (MAXVALUE))";
}

std::optional<std::string> drop_partitions_sql(std::string_view table,
                                               std::span<const std::string> names) {
  if (names.empty()) {
    return std::nullopt;
  }
  std::string sql = "ALTER TABLE " + std::string(table) + " DROP PARTITION ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    sql += (i == 0 ? "" : ", ") + names[i];
  }
  return sql;
}

Day retention_cutoff(Day today, int keep_days) { return today - std::chrono::days(keep_days); }

std::string expire_rows_sql(const RetentionTier& tier, Day cutoff, std::uint64_t batch) {
  const std::string column(tier.column);
  return "DELETE FROM " + std::string(tier.table) + " WHERE " + column + " < '" + iso_day(cutoff) +
         "' ORDER BY " + column + " LIMIT " + std::to_string(batch);
}

}  // namespace vmpulse::hub
