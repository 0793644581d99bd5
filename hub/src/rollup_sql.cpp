#include "rollup_sql.hpp"

#include "history_series.hpp"
#include "json_text.hpp"

namespace vmpulse::hub {
namespace {

std::string quoted_time(std::int64_t seconds) { return "'" + format_utc_seconds(seconds) + "'"; }

// An integer floor division that is right for negative numbers too.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool is_minute(std::string_view text) {
  // "YYYY-MM-DD HH:MM:00", as DATE_FORMAT writes it.
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

std::string rollup_source_sql(std::uint64_t after, std::uint64_t upto) {
  std::string sql =
      "SELECT vm, DATE_FORMAT(hora, '%Y-%m-%d %H:%i:00') AS minuto, COUNT(*), "
      "SUM(porcentaje_cpu_uso), MIN(porcentaje_cpu_uso), MAX(porcentaje_cpu_uso), "
      "SUM(porcentaje_ram), MIN(porcentaje_ram), MAX(porcentaje_ram), SUM(total_procesos)";
  for (const HistorySeries& series : kHistorySeries) {
    // The rows that have the value are counted apart from n: version 1 rows lack it.
    const std::string_view value = series.expression;
    append_sql(sql, {", COUNT(", value, "), COALESCE(SUM(", value, "), 0), MAX(", value, ")"});
  }
  return sql + " FROM metricas WHERE id > " + std::to_string(after) +
         " AND id <= " + std::to_string(upto) + " GROUP BY vm, minuto";
}

std::optional<std::string> rollup_upsert_sql(std::span<const db::Row> rows, const Quote& quote) {
  if (rows.empty()) {
    return std::nullopt;
  }
  std::string sql =
      "INSERT INTO metricas_minuto (vm, minuto, n, cpu_suma, cpu_min, cpu_max, ram_suma, "
      "ram_min, ram_max, procesos_suma" +
      series_columns() + ") VALUES ";
  sql.reserve(sql.size() + rows.size() * 256 + 2000);
  bool first = true;
  for (const db::Row& row : rows) {
    if (row.size() != kRollupColumns) {
      return std::nullopt;
    }
    if (!row[0] || !row[1] || !is_minute(*row[1])) {
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

std::string history_rollup_sql(const HistoryParams& params, std::int64_t bucket,
                               std::uint64_t rolled) {
  // vm passed valid_vm_name, so it needs no escaping inside quotes.
  const std::string b = std::to_string(bucket);
  const std::string vm = "'" + params.vm + "'";
  const MinuteSpan span = whole_minutes(params.from, params.to);
  const std::string first = quoted_time(span.first), end = quoted_time(span.end);
  std::string raw_columns =
      "SELECT FLOOR(UNIX_TIMESTAMP(hora) / " + b +
      "), 1, porcentaje_cpu_uso, porcentaje_cpu_uso, porcentaje_cpu_uso, porcentaje_ram, "
      "porcentaje_ram, porcentaje_ram, total_procesos";
  std::string outer =
      "SELECT bucket, SUM(n), MIN(cpu_min), ROUND(SUM(cpu_suma) / SUM(n), 2), MAX(cpu_max), "
      "MIN(ram_min), ROUND(SUM(ram_suma) / SUM(n), 2), MAX(ram_max), "
      "ROUND(SUM(procesos_suma) / SUM(n), 2)";
  for (const HistorySeries& series : kHistorySeries) {
    const std::string_view name = series.name;
    const std::string_view value = series.expression;
    // A raw row counts 1 toward the series' n only when it has the value.
    append_sql(raw_columns, {", (", value, ") IS NOT NULL, ", value, ", ", value});
    append_sql(outer, {", ROUND(SUM(", name, "_suma) / NULLIF(SUM(", name, "_n), 0), 2), MAX(",
                       name, "_max)"});
  }
  raw_columns += " FROM metricas ";
  return outer +
         " FROM ("
         "SELECT FLOOR(UNIX_TIMESTAMP(minuto) / " +
         b +
         ") AS bucket, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max, "
         "procesos_suma" +
         series_columns() + " FROM metricas_minuto WHERE vm = " + vm + " AND minuto >= " + first +
         " AND minuto < " + end +
         // The seconds before the first whole minute and after the last one.
         " UNION ALL " + raw_columns + "WHERE vm = " + vm +
         " AND hora >= " + quoted_time(params.from) + " AND hora < " + first + " UNION ALL " +
         raw_columns + "WHERE vm = " + vm + " AND hora >= " + end +
         " AND hora <= " + quoted_time(params.to) +
         // Rows of the whole minutes not rolled up yet: the newest few seconds, and rows
         // that arrived late with an older hora.
         " UNION ALL " + raw_columns + "FORCE INDEX (PRIMARY) WHERE id > " +
         std::to_string(rolled) + " AND vm = " + vm + " AND hora >= " + first + " AND hora < " +
         end + ") AS parts GROUP BY bucket ORDER BY bucket";
}

}  // namespace vmpulse::hub
