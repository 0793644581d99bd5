#include "rollup_sql.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace vmpulse::hub;

namespace {

const Quote kQuote = [](std::string& sql, std::string_view value) {
  sql += '\'';
  for (char c : value) {
    if (c == '\'') sql += '\\';
    sql += c;
  }
  sql += '\'';
};

// A minute of 3 rows; the version 2 series: carga in 2 of them, the rest in none.
vmpulse::db::Row minute_row(std::string vm, std::string minute) {
  vmpulse::db::Row row{std::move(vm), std::move(minute), "3",     "30.00", "5.00",
                       "15.00",       "150.00",          "49.00", "51.00", "300"};
  for (std::size_t k = 0; k < kHistorySeries.size(); ++k) {
    const bool some = k == 0;
    row.emplace_back(some ? "2" : "0");
    row.emplace_back(some ? "1.50" : "0");
    row.emplace_back(some ? std::optional<std::string>("1.00") : std::nullopt);
  }
  return row;
}

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(WholeMinutes, AlignedAndUnaligned) {
  // Aligned: 00:00:00 .. 00:59:59 is sixty whole minutes.
  auto span = whole_minutes(0, 3599);
  EXPECT_EQ(span.first, 0);
  EXPECT_EQ(span.end, 3600);
  // 00:00:30 .. 00:10:29: the whole minutes 00:01 .. 00:09.
  span = whole_minutes(30, 629);
  EXPECT_EQ(span.first, 60);
  EXPECT_EQ(span.end, 600);
  // to = 00:10:59 ends the minute 00:10, so it is whole.
  EXPECT_EQ(whole_minutes(30, 659).end, 660);
  // Less than a minute, or one that straddles two: no whole minute.
  EXPECT_TRUE(whole_minutes(30, 89).empty());
  EXPECT_TRUE(whole_minutes(60, 118).empty());
  EXPECT_FALSE(whole_minutes(60, 119).empty());
  EXPECT_TRUE(whole_minutes(100, 100).empty());
}

TEST(RollupSql, SourceIsAnIdRange) {
  const std::string sql = rollup_source_sql(100, 250);
  EXPECT_NE(sql.find("WHERE id > 100 AND id <= 250 GROUP BY vm, periodo"), std::string::npos);
  EXPECT_NE(sql.find("DATE_FORMAT(hora, '%Y-%m-%d %H:%i:00')"), std::string::npos);
}

TEST(RollupSql, UpsertAddsToTheMinute) {
  const std::vector<vmpulse::db::Row> rows{minute_row("web-1", "2026-01-01 00:01:00"),
                                           minute_row("o'brien", "2026-01-01 00:02:00")};
  const auto sql = rollup_upsert_sql(rows, kQuote);
  ASSERT_TRUE(sql);
  EXPECT_NE(sql->find("('web-1','2026-01-01 00:01:00',3,30.00,5.00,15.00,150.00,49.00,51.00,300,"
                      "2,1.50,1.00,0,0,NULL,"),
            std::string::npos);
  EXPECT_NE(sql->find("procesos_suma, carga_n, carga_suma, carga_max, cpu_robado_n, "),
            std::string::npos);
  // A series' maximum may be NULL on either side.
  EXPECT_NE(sql->find("swap_max = COALESCE(GREATEST(swap_max, VALUES(swap_max)), swap_max, "
                      "VALUES(swap_max))"),
            std::string::npos);
  EXPECT_NE(sql->find("red_rx_n = red_rx_n + VALUES(red_rx_n)"), std::string::npos);
  EXPECT_NE(sql->find("('o\\'brien',"), std::string::npos);  // through the quoter
  EXPECT_NE(sql->find("n = n + VALUES(n)"), std::string::npos);
  EXPECT_NE(sql->find("cpu_min = LEAST(cpu_min, VALUES(cpu_min))"), std::string::npos);
  EXPECT_NE(sql->find("ram_max = GREATEST(ram_max, VALUES(ram_max))"), std::string::npos);
  EXPECT_NE(sql->find("procesos_suma = procesos_suma + VALUES(procesos_suma)"), std::string::npos);
  // Every column but the key; a series' maximum twice.
  EXPECT_EQ(count(*sql, "VALUES("), 8u + 4 * kHistorySeries.size());
}

TEST(RollupSql, UpsertRefusesMalformedRows) {
  EXPECT_FALSE(rollup_upsert_sql({}, kQuote));
  auto row = minute_row("a", "2026-01-01 00:01:00");
  row.pop_back();
  EXPECT_FALSE(rollup_upsert_sql(std::vector<vmpulse::db::Row>{row}, kQuote));
  for (std::size_t column = 0; column < kRollupColumns; ++column) {
    auto bad = minute_row("a", "2026-01-01 00:01:00");
    bad[column] = std::nullopt;
    // Only a series' maximum may be NULL (a minute without the series).
    const bool series_max = column >= kRollupBaseColumns && (column - kRollupBaseColumns) % 3 == 2;
    EXPECT_EQ(rollup_upsert_sql(std::vector<vmpulse::db::Row>{bad}, kQuote).has_value(), series_max)
        << column;
  }
  for (const char* minute :
       {"2026-01-01 00:01:30", "2026-01-01T00:01:00", "x", "2026-01-01 00:01"}) {
    EXPECT_FALSE(rollup_upsert_sql(std::vector<vmpulse::db::Row>{minute_row("a", minute)}, kQuote))
        << minute;
  }
  auto injected = minute_row("a", "2026-01-01 00:01:00");
  injected[3] = "1); DROP TABLE metricas; --";
  EXPECT_FALSE(rollup_upsert_sql(std::vector<vmpulse::db::Row>{injected}, kQuote));
}

TEST(RollupSql, AdvanceAndPosition) {
  EXPECT_EQ(rollup_advance_sql(42),
            "UPDATE metricas_minuto_estado SET ultimo_id = 42 WHERE id = 1");
  EXPECT_NE(std::string(kRollupLockSql).find("FOR UPDATE"), std::string::npos);
}

TEST(HistoryRollupSql, WholeMinutesEdgesAndTheUnrolledTail) {
  // 00:00:30 .. 01:00:29 in 5-minute buckets, rows up to id 900 rolled up.
  HistoryParams params{"web-1", 30, 3629, 13};
  const std::string sql = history_rollup_sql(params, 300, 900);
  // Whole minutes 00:01 .. 00:59 from the rollup.
  EXPECT_NE(sql.find("FROM metricas_minuto WHERE vm = 'web-1' AND minuto >= '1970-01-01 00:01:00' "
                     "AND minuto < '1970-01-01 01:00:00'"),
            std::string::npos);
  // The edges from raw rows.
  EXPECT_NE(sql.find("hora >= '1970-01-01 00:00:30' AND hora < '1970-01-01 00:01:00'"),
            std::string::npos);
  EXPECT_NE(sql.find("hora >= '1970-01-01 01:00:00' AND hora < '1970-01-01 01:00:30'"),
            std::string::npos);
  // The rows of whole minutes not rolled up yet, by primary key.
  EXPECT_NE(sql.find("FORCE INDEX (PRIMARY) WHERE id > 900 AND vm = 'web-1' AND "
                     "hora >= '1970-01-01 00:01:00' AND hora < '1970-01-01 01:00:00'"),
            std::string::npos);
  EXPECT_EQ(count(sql, "FLOOR(UNIX_TIMESTAMP("), 4u);
  EXPECT_EQ(count(sql, " / 300)"), 4u);
  // avg = sum / n, rounded like history_sql's ROUND(AVG(x), 2).
  EXPECT_NE(sql.find("ROUND(SUM(cpu_suma) / SUM(n), 2)"), std::string::npos);
  EXPECT_NE(sql.find("GROUP BY bucket ORDER BY bucket"), std::string::npos);
}

TEST(RollupSql, SourceCountsEachSeriesApart) {
  const std::string sql = rollup_source_sql(0, 10);
  for (const HistorySeries& series : kHistorySeries) {
    std::string want;
    append_sql(want, {"COUNT(", series.expression, "), COALESCE(SUM(", series.expression,
                      "), 0), MAX(", series.expression, ")"});
    EXPECT_NE(sql.find(want), std::string::npos) << series.name;
  }
}

TEST(HistoryRollupSql, SeriesFromTheRollupAndTheRawParts) {
  HistoryParams params{"web-1", 30, 3629, 13};
  const std::string sql = history_rollup_sql(params, 300, 900);
  for (const HistorySeries& series : kHistorySeries) {
    const std::string_view name = series.name;
    const std::string_view value = series.expression;
    // sum / n over the rows that have it, as ROUND(AVG(x), 2) over raw rows.
    std::string average;
    append_sql(average, {"ROUND(SUM(", name, "_suma) / NULLIF(SUM(", name, "_n), 0), 2), MAX(",
                         name, "_max)"});
    EXPECT_NE(sql.find(average), std::string::npos) << name;
    // Each raw part counts a row toward n only when it has the value (3 raw parts).
    std::string raw;
    append_sql(raw, {"(", value, ") IS NOT NULL, ", value, ", ", value});
    EXPECT_EQ(count(sql, raw), 3u) << name;
  }
}

// db/migrations/006 adds exactly the columns the hub writes (one list in C++, one in SQL).
TEST(RollupSql, MigrationSixHasEverySeriesColumn) {
  std::ifstream file(VMPULSE_SOURCE_DIR "/db/migrations/006_metricas_minuto_v2.sql");
  ASSERT_TRUE(file) << "db/migrations/006_metricas_minuto_v2.sql";
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::size_t columns = 0;
  for (const HistorySeries& series : kHistorySeries) {
    for (const char* suffix : {"_n", "_suma", "_max"}) {
      EXPECT_NE(text.find("'" + std::string(series.name) + suffix + "'"), std::string::npos)
          << series.name << suffix;
      ++columns;
    }
  }
  EXPECT_EQ(count(text, "UNION ALL SELECT") + 1, columns);
}

TEST(RollupSql, HourSourceAndUpsert) {
  const std::string sql = rollup_source_sql(100, 250, RollupTier::hour);
  EXPECT_NE(sql.find("DATE_FORMAT(hora, '%Y-%m-%d %H:00:00')"), std::string::npos);
  const std::vector<vmpulse::db::Row> rows{minute_row("web-1", "2026-01-01 03:00:00")};
  const auto upsert = rollup_upsert_sql(rows, kQuote, RollupTier::hour);
  ASSERT_TRUE(upsert);
  EXPECT_EQ(upsert->rfind("INSERT INTO metricas_hora (vm, hora, n, ", 0), 0u);
  // A minute that is not a whole hour is no hour row.
  const std::vector<vmpulse::db::Row> minute{minute_row("web-1", "2026-01-01 03:01:00")};
  EXPECT_FALSE(rollup_upsert_sql(minute, kQuote, RollupTier::hour));
}

TEST(HistoryHourSql, WholeHoursThenMinuteEdgesThenRawEdges) {
  // 00:00:30 .. 02:30:29 in 1-hour buckets, rows up to id 900 rolled up.
  HistoryParams params{"web-1", 30, 9029, 3};
  const std::string sql = history_hour_sql(params, 3600, 900);
  // The whole hour 01:00 from the hour rollup.
  EXPECT_NE(sql.find("FROM metricas_hora WHERE vm = 'web-1' AND hora >= '1970-01-01 01:00:00' "
                     "AND hora < '1970-01-01 02:00:00'"),
            std::string::npos);
  // The edges' whole minutes from the minute rollup.
  EXPECT_NE(sql.find("FROM metricas_minuto WHERE vm = 'web-1' AND minuto >= '1970-01-01 00:01:00' "
                     "AND minuto < '1970-01-01 01:00:00'"),
            std::string::npos);
  EXPECT_NE(sql.find("FROM metricas_minuto WHERE vm = 'web-1' AND minuto >= '1970-01-01 02:00:00' "
                     "AND minuto < '1970-01-01 02:30:00'"),
            std::string::npos);
  // The minutes' edges from raw rows.
  EXPECT_NE(sql.find("hora >= '1970-01-01 00:00:30' AND hora < '1970-01-01 00:01:00'"),
            std::string::npos);
  EXPECT_NE(sql.find("hora >= '1970-01-01 02:30:00' AND hora < '1970-01-01 02:30:30'"),
            std::string::npos);
  // Rows not rolled up yet: for the whole hour and for each edge's whole minutes.
  EXPECT_NE(sql.find("WHERE id > 900 AND vm = 'web-1' AND hora >= '1970-01-01 01:00:00' AND "
                     "hora < '1970-01-01 02:00:00'"),
            std::string::npos);
  EXPECT_EQ(count(sql, "FORCE INDEX (PRIMARY) WHERE id > 900"), 3u);
  EXPECT_EQ(count(sql, " / 3600)"), 8u);  // 1 hour + 2 minutes + 2 raw edges + 3 unrolled
}
