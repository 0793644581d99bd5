#include "rollup_sql.hpp"

#include "history_series.hpp"
#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

using vmpulse::detail::is_plain_number;
namespace {

std::string quoted_time(std::int64_t seconds) { return "'" + format_utc(seconds) + "'"; }

// An integer floor division that is right for negative numbers too.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool is_period(std::string_view text, RollupTier tier) {
  // "YYYY-MM-DD HH:MM:00" ("YYYY-MM-DD HH:00:00"), as DATE_FORMAT writes it.
  if (tier == RollupTier::hour && !text.ends_with(":00:00")) {
    return false;
  }
  constexpr std::string_view kPattern = "0000-00-00 00:00:00";
  if (text.size() != kPattern.size() || !text.ends_with(":00")) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kPattern[i] == '0' ? !digit : text[i] != kPattern[i]) {
      return false;
    }
  }
  return true;
}

// The rollup columns of every series: ", carga_n, carga_suma, carga_max, …".
std::string series_columns() {
  std::string out;
  for (const HistorySeries& series : kHistorySeries) {
    const std::string_view name = series.name;
    append_sql(out, {", ", name, "_n, ", name, "_suma, ", name, "_max"});
  }
  return out;
}

}  // namespace

RollupTable rollup_table(RollupTier tier) {
  return tier == RollupTier::minute ? RollupTable{"metricas_minuto", "minuto", 60}
                                    : RollupTable{"metricas_hora", "hora", 3600};
}

std::string rollup_source_sql(std::uint64_t after, std::uint64_t upto, RollupTier tier) {
  const std::string_view format =
      tier == RollupTier::minute ? "'%Y-%m-%d %H:%i:00'" : "'%Y-%m-%d %H:00:00'";
  std::string sql =
      "SELECT vm, DATE_FORMAT(hora, " + std::string(format) +
      ") AS periodo, COUNT(*), "
      "SUM(porcentaje_cpu_uso), MIN(porcentaje_cpu_uso), MAX(porcentaje_cpu_uso), "
      "SUM(porcentaje_ram), MIN(porcentaje_ram), MAX(porcentaje_ram), SUM(total_procesos)";
  for (const HistorySeries& series : kHistorySeries) {
    // The rows that have the value are counted apart from n: version 1 rows lack it.
    const std::string_view value = series.expression;
    append_sql(sql, {", COUNT(", value, "), COALESCE(SUM(", value, "), 0), MAX(", value, ")"});
  }
  return sql + " FROM metricas WHERE id > " + std::to_string(after) +
         " AND id <= " + std::to_string(upto) + " GROUP BY vm, periodo";
}

std::optional<std::string> rollup_upsert_sql(std::span<const db::Row> rows, const Quote& quote,
                                             RollupTier tier) {
  if (rows.empty()) {
    return std::nullopt;
  }
  const RollupTable target = rollup_table(tier);
  std::string sql = "INSERT INTO " + std::string(target.table) + " (vm, " +
                    std::string(target.column) +
                    ", n, cpu_suma, cpu_min, cpu_max, ram_suma, "
                    "ram_min, ram_max, procesos_suma" +
                    series_columns() + ") VALUES ";
  sql.reserve(sql.size() + rows.size() * 256 + 2000);
  bool first = true;
  for (const db::Row& row : rows) {
    if (row.size() != kRollupColumns) {
      return std::nullopt;
    }
    if (!row[0] || !row[1] || !is_period(*row[1], tier)) {
      return std::nullopt;
    }
    for (std::size_t i = 2; i < kRollupColumns; ++i) {
      // A series' maximum is NULL in a minute without it; nothing else may be.
      const bool series_max = i >= kRollupBaseColumns && (i - kRollupBaseColumns) % 3 == 2;
      if (row[i] ? !is_plain_number(*row[i]) : !series_max) {
        return std::nullopt;
      }
    }
    sql += first ? "(" : ",(";
    first = false;
    quote(sql, *row[0]);
    sql += ",'" + *row[1] + "'";
    for (std::size_t i = 2; i < kRollupColumns; ++i) {
      sql += ',';
      sql += row[i] ? *row[i] : std::string("NULL");
    }
    sql += ')';
  }
  // VALUES() works on MariaDB 10.11 and MySQL 8.0 (which deprecates it for a row alias
  // that MariaDB lacks).
  sql +=
      " ON DUPLICATE KEY UPDATE n = n + VALUES(n), cpu_suma = cpu_suma + VALUES(cpu_suma), "
      "cpu_min = LEAST(cpu_min, VALUES(cpu_min)), cpu_max = GREATEST(cpu_max, VALUES(cpu_max)), "
      "ram_suma = ram_suma + VALUES(ram_suma), ram_min = LEAST(ram_min, VALUES(ram_min)), "
      "ram_max = GREATEST(ram_max, VALUES(ram_max)), "
      "procesos_suma = procesos_suma + VALUES(procesos_suma)";
  for (const HistorySeries& series : kHistorySeries) {
    const std::string n = std::string(series.name) + "_n";
    const std::string sum = std::string(series.name) + "_suma";
    const std::string max = std::string(series.name) + "_max";
    // GREATEST is NULL when either is: a minute may have the series in one part only.
    append_sql(sql, {", ",
                     n,
                     " = ",
                     n,
                     " + VALUES(",
                     n,
                     "), ",
                     sum,
                     " = ",
                     sum,
                     " + VALUES(",
                     sum,
                     "), ",
                     max,
                     " = COALESCE(GREATEST(",
                     max,
                     ", VALUES(",
                     max,
                     ")), ",
                     max,
                     ", VALUES(",
                     max,
                     "))"});
  }
  return sql;
}

std::string rollup_advance_sql(std::uint64_t upto) {
  return "UPDATE metricas_minuto_estado SET ultimo_id = " + std::to_string(upto) + " WHERE id = 1";
}

MinuteSpan whole_minutes(std::int64_t from, std::int64_t to) {
  // hora is whole seconds, so hora <= to is hora < to + 1.
  return {floor_div(from + 59, 60) * 60, floor_div(to + 1, 60) * 60};
}

namespace {

// What every part of a history query shares: the VM and the bucket width.
struct HistoryParts {
  std::string vm;      // quoted
  std::string bucket;  // seconds
  std::uint64_t rolled = 0;
  std::string sql;  // the parts so far, joined by UNION ALL

  void add(const std::string& part) {
    if (!sql.empty()) {
      sql += " UNION ALL ";
    }
    sql += part;
  }

  // Raw rows as a rollup row: n 1, the value as sum, min and max.
  std::string raw_select() const {
    std::string out = "SELECT FLOOR(UNIX_TIMESTAMP(hora) / " + bucket +
                      ") AS bucket, 1, porcentaje_cpu_uso, porcentaje_cpu_uso, porcentaje_cpu_uso, "
                      "porcentaje_ram, porcentaje_ram, porcentaje_ram, total_procesos";
    for (const HistorySeries& series : kHistorySeries) {
      const std::string_view value = series.expression;
      // A raw row counts 1 toward the series' n only when it has the value.
      append_sql(out, {", (", value, ") IS NOT NULL, ", value, ", ", value});
    }
    return out + " FROM metricas ";
  }

  // The rows of [start, end) (Unix seconds) at `tier`'s resolution: its whole periods
  // from its table, the edges one tier finer (the minutes' edges from raw rows), and the
  // rows of the whole periods that are not rolled up yet (id > rolled, by primary key).
  void add_span(std::optional<RollupTier> tier, std::int64_t start, std::int64_t end) {
    if (start >= end) {
      return;
    }
    if (!tier) {
      add(raw_select() + "WHERE vm = " + vm + " AND hora >= " + quoted_time(start) +
          " AND hora < " + quoted_time(end));
      return;
    }
    const RollupTable table = rollup_table(*tier);
    const std::optional<RollupTier> finer =
        *tier == RollupTier::hour ? std::optional(RollupTier::minute) : std::nullopt;
    const std::int64_t first = floor_div(start + table.seconds - 1, table.seconds) * table.seconds;
    const std::int64_t last = floor_div(end, table.seconds) * table.seconds;
    if (first >= last) {
      add_span(finer, start, end);
      return;
    }
    const std::string column(table.column);
    add("SELECT FLOOR(UNIX_TIMESTAMP(" + column + ") / " + bucket +
        ") AS bucket, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max, procesos_suma" +
        series_columns() + " FROM " + std::string(table.table) + " WHERE vm = " + vm + " AND " +
        column + " >= " + quoted_time(first) + " AND " + column + " < " + quoted_time(last));
    add_span(finer, start, first);
    add_span(finer, last, end);
    // Rows of the whole periods not rolled up yet: the newest few seconds, and rows that
    // arrived late with an older hora.
    add(raw_select() + "FORCE INDEX (PRIMARY) WHERE id > " + std::to_string(rolled) + " AND vm = " +
        vm + " AND hora >= " + quoted_time(first) + " AND hora < " + quoted_time(last));
  }
};

std::string history_tier_sql(const HistoryParams& params, std::int64_t bucket, std::uint64_t rolled,
                             RollupTier tier) {
  // vm passed valid_vm_name, so it needs no escaping inside quotes.
  HistoryParts parts{"'" + params.vm + "'", std::to_string(bucket), rolled, {}};
  // hora is whole seconds, so hora <= to is hora < to + 1.
  parts.add_span(tier, params.from, params.to + 1);
  std::string outer =
      "SELECT bucket, SUM(n), MIN(cpu_min), ROUND(SUM(cpu_suma) / SUM(n), 2), MAX(cpu_max), "
      "MIN(ram_min), ROUND(SUM(ram_suma) / SUM(n), 2), MAX(ram_max), "
      "ROUND(SUM(procesos_suma) / SUM(n), 2)";
  for (const HistorySeries& series : kHistorySeries) {
    const std::string_view name = series.name;
    append_sql(outer, {", ROUND(SUM(", name, "_suma) / NULLIF(SUM(", name, "_n), 0), 2), MAX(",
                       name, "_max)"});
  }
  return outer + " FROM (" + parts.sql + ") AS parts GROUP BY bucket ORDER BY bucket";
}

}  // namespace

std::string history_rollup_sql(const HistoryParams& params, std::int64_t bucket,
                               std::uint64_t rolled) {
  return history_tier_sql(params, bucket, rolled, RollupTier::minute);
}

std::string history_hour_sql(const HistoryParams& params, std::int64_t bucket,
                             std::uint64_t rolled) {
  return history_tier_sql(params, bucket, rolled, RollupTier::hour);
}

}  // namespace vmpulse::hub
