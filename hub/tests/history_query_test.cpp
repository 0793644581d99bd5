#include "history_query.hpp"

#include <gtest/gtest.h>

#include "history_series.hpp"

using namespace vmpulse::hub;
using vmpulse::http::Request;

namespace {
Request with_query(std::string query) {
  Request request;
  request.method = "GET";
  request.path = "/api/history";
  request.query = std::move(query);
  request.target = request.path + "?" + request.query;
  return request;
}
constexpr std::int64_t kNow = 1'800'000'000;
}  // namespace

TEST(HistoryParams, Defaults) {
  const auto parsed = parse_history_params(with_query("vm=web-1"), kNow);
  ASSERT_TRUE(std::holds_alternative<HistoryParams>(parsed));
  const auto& params = std::get<HistoryParams>(parsed);
  EXPECT_EQ(params.to, kNow);
  EXPECT_EQ(params.from, kNow - 3600);
  EXPECT_EQ(params.points, 1000);
}

TEST(HistoryParams, BothTimeForms) {
  const auto parsed = parse_history_params(
      with_query("vm=a&from=2026-11-26%2010:00:00&to=1795694400&points=10"), kNow);
  ASSERT_TRUE(std::holds_alternative<HistoryParams>(parsed));
  EXPECT_EQ(std::get<HistoryParams>(parsed).from, 1795694400 - 3600 * 2);
  EXPECT_EQ(std::get<HistoryParams>(parsed).points, 10);
}

TEST(HistoryParams, BadValuesNameTheParameter) {
  struct Case {
    const char* query;
    const char* code;
    const char* detail_start;
  };
  for (const Case& c :
       {Case{"", "missing_parameter", "vm"}, Case{"vm=a%20b", "invalid_parameter", "vm"},
        Case{"vm=a%27b", "invalid_parameter", "vm"},
        Case{"vm=a&from=yesterday", "invalid_parameter", "from"},
        Case{"vm=a&to=2026-02-30%2000:00:00", "invalid_parameter", "to"},
        Case{"vm=a&from=200&to=100", "invalid_parameter", "from is after"},
        Case{"vm=a&points=0", "invalid_parameter", "points"},
        Case{"vm=a&points=10001", "invalid_parameter", "points"},
        Case{"vm=a&points=1e3", "invalid_parameter", "points"},
        Case{"vm=a&from=0&to=100000000", "invalid_parameter", "from..to"},
        Case{"vm=a&source=cache", "invalid_parameter", "source"}}) {
    const auto parsed = parse_history_params(with_query(c.query), kNow);
    ASSERT_TRUE(std::holds_alternative<ParamError>(parsed)) << c.query;
    EXPECT_EQ(std::get<ParamError>(parsed).code, c.code) << c.query;
    EXPECT_TRUE(std::get<ParamError>(parsed).detail.starts_with(c.detail_start))
        << std::get<ParamError>(parsed).detail;
  }
}

TEST(HistoryParams, Source) {
  auto source = [](const char* query) {
    return std::get<HistoryParams>(parse_history_params(with_query(query), kNow)).source;
  };
  EXPECT_EQ(source("vm=a"), HistorySource::automatic);
  EXPECT_EQ(source("vm=a&source=auto"), HistorySource::automatic);
  EXPECT_EQ(source("vm=a&source=raw"), HistorySource::raw);
  EXPECT_EQ(source("vm=a&source=rollup"), HistorySource::rollup);
}

TEST(ParseTime, Forms) {
  EXPECT_EQ(parse_time("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_time("2024-02-29 23:59:59"), 1709251199);
  EXPECT_EQ(parse_time("42"), 42);
  EXPECT_FALSE(parse_time("2023-02-29 00:00:00"));
  EXPECT_FALSE(parse_time("2023-01-01T00:00:00"));
  EXPECT_FALSE(parse_time("-5"));
  EXPECT_FALSE(parse_time(""));
}

TEST(BucketSeconds, AtMostPointsBuckets) {
  EXPECT_EQ(bucket_seconds(0, 999, 1000), 1);
  EXPECT_EQ(bucket_seconds(0, 59999, 1000), 60);
  // 87 s would do; over a minute, whole minutes (the rollup's grain).
  EXPECT_EQ(bucket_seconds(0, 86399, 1000), 120);
  // The dashboard's 24 h view: 720 points over an unaligned day.
  EXPECT_EQ(bucket_seconds(1'795'687'201, 1'795'687'201 + 86400, 720), 180);
  for (std::int64_t from : {0LL, 1LL, 1'795'687'201LL}) {
    for (std::int64_t span : {0LL, 59LL, 3600LL, 86400LL, 86401LL, 7LL * 86400}) {
      for (int points : {1, 2, 7, 1000, 10000}) {
        const std::int64_t to = from + span;
        const std::int64_t bucket = bucket_seconds(from, to, points);
        EXPECT_GE(bucket, 1);
        EXPECT_LE(to / bucket - from / bucket + 1, points) << from << " " << span << " " << points;
        if (bucket > 60) {  // whole minutes, and one minute less would not do
          EXPECT_EQ(bucket % 60, 0);
          EXPECT_GT(to / (bucket - 60) - from / (bucket - 60) + 1, points);
          // nor would any width under a minute
          EXPECT_GT(to / 60 - from / 60 + 1, points);
        } else if (bucket > 1) {  // the next smaller width would not do
          EXPECT_GT(to / (bucket - 1) - from / (bucket - 1) + 1, points);
        }
      }
    }
  }
}

TEST(HistorySql, GroupsInTheDatabase) {
  HistoryParams params{"web-1", 0, 3600, 10};
  const std::string sql = history_sql(params, 360);
  EXPECT_NE(sql.find("FLOOR(UNIX_TIMESTAMP(hora) / 360)"), std::string::npos);
  EXPECT_NE(
      sql.find("vm = 'web-1' AND hora BETWEEN '1970-01-01 00:00:00' AND '1970-01-01 01:00:00'"),
      std::string::npos);
  EXPECT_NE(sql.find("GROUP BY bucket"), std::string::npos);
}

TEST(HistoryEncode, PointsFromRows) {
  HistoryParams params{"web-1", 0, 3600, 10};
  vmpulse::db::Row base{"1", "3", "1.00", "2.00", "3.00", "10.00", "11.00", "12.00", "200.00"};
  base.resize(kHistoryColumns);  // no row of the bucket has any version 2 series
  std::vector<vmpulse::db::Row> rows{base};
  const auto encoded = encode_history(params, 360, rows);
  ASSERT_TRUE(std::holds_alternative<std::string>(encoded));
  EXPECT_EQ(
      std::get<std::string>(encoded),
      R"({"vm":"web-1","from":"1970-01-01 00:00:00","to":"1970-01-01 01:00:00","bucket_seconds":360,)"
      R"("points":[{"t":"1970-01-01 00:06:00","n":3,"cpu":{"min":1.00,"avg":2.00,"max":3.00},)"
      R"("ram":{"min":10.00,"avg":11.00,"max":12.00},"procesos":{"avg":200.00}}]})");
  rows[0][3] = std::nullopt;
  EXPECT_TRUE(std::holds_alternative<EncodeError>(encode_history(params, 360, rows)));
}

TEST(HistoryEncode, SeriesWithValuesAndWithout) {
  HistoryParams params{"web-1", 0, 3600, 10};
  vmpulse::db::Row row{"1", "3", "1.00", "2.00", "3.00", "10.00", "11.00", "12.00", "200.00"};
  row.resize(kHistoryColumns);
  // carga (first) and red_tx (last) have values; the rest are NULL in this bucket.
  row[kHistoryBaseColumns] = "0.51";
  row[kHistoryBaseColumns + 1] = "0.98";
  row[kHistoryColumns - 2] = "80.00";
  row[kHistoryColumns - 1] = "120.50";
  const auto encoded = encode_history(params, 360, {row});
  ASSERT_TRUE(std::holds_alternative<std::string>(encoded));
  EXPECT_NE(std::get<std::string>(encoded).find(
                R"("procesos":{"avg":200.00},"carga":{"avg":0.51,"max":0.98},)"
                R"("red_tx":{"avg":80.00,"max":120.50}}]})"),
            std::string::npos)
      << std::get<std::string>(encoded);
  // An average without its maximum, or a value that is not a number: malformed.
  auto bad = row;
  bad[kHistoryBaseColumns + 1] = std::nullopt;
  EXPECT_TRUE(std::holds_alternative<EncodeError>(encode_history(params, 360, {bad})));
  bad = row;
  bad[kHistoryBaseColumns] = "x";
  EXPECT_TRUE(std::holds_alternative<EncodeError>(encode_history(params, 360, {bad})));
  bad = row;
  bad.pop_back();
  EXPECT_TRUE(std::holds_alternative<EncodeError>(encode_history(params, 360, {bad})));
}

TEST(HistorySql, EverySeriesAveragedAndMaximisedOverTheRowsThatHaveIt) {
  HistoryParams params{"web-1", 0, 3600, 10};
  const std::string sql = history_sql(params, 360);
  for (const HistorySeries& series : kHistorySeries) {
    const std::string value(series.expression);
    EXPECT_NE(sql.find("ROUND(AVG(" + value + "), 2), MAX(" + value + ")"), std::string::npos)
        << series.name;
  }
}
