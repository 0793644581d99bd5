#include "retention_sql.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {

Day utc_day(int y, unsigned m, unsigned d) {
  return Day(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

PartitionPlan plan(const std::vector<std::string>& existing, Day today, int ahead, int keep) {
  auto planned = plan_partitions(existing, today, ahead, keep);
  EXPECT_TRUE(std::holds_alternative<PartitionPlan>(planned));
  return std::get<PartitionPlan>(planned);
}

}  // namespace

TEST(RetentionSql, PartitionNamesRoundTrip) {
  EXPECT_EQ(partition_name(utc_day(2026, 12, 5)), "p20261205");
  EXPECT_EQ(partition_day("p20261205"), utc_day(2026, 12, 5));
  EXPECT_EQ(partition_day("p20240229"), utc_day(2024, 2, 29));
  EXPECT_FALSE(partition_day("p20230229"));  // not a date
  EXPECT_FALSE(partition_day("pmax"));
  EXPECT_FALSE(partition_day("p2026120"));
  EXPECT_FALSE(partition_day("q20261205"));
  EXPECT_FALSE(partition_day("p2026-205"));
}

TEST(RetentionSql, CreatesTheDaysAheadAfterTheNewest) {
  const auto p = plan({"p20261203", "p20261204", "p20261205", "pmax"}, utc_day(2026, 12, 5), 3, 7);
  ASSERT_EQ(p.create.size(), 3u);
  EXPECT_EQ(p.create.front(), utc_day(2026, 12, 6));
  EXPECT_EQ(p.create.back(), utc_day(2026, 12, 8));
  EXPECT_TRUE(p.drop.empty());
}

TEST(RetentionSql, UpToDateTableNeedsNothing) {
  const auto p = plan({"p20261205", "p20261206", "p20261207", "p20261208", "pmax"},
                      utc_day(2026, 12, 5), 3, 7);
  EXPECT_TRUE(p.create.empty());
  EXPECT_TRUE(p.drop.empty());
}

TEST(RetentionSql, DropsOnlyTheDaysBeforeTheCutoff) {
  // Keep 7 days on 12-10: the first kept day is 12-03.
  std::vector<std::string> existing{"pmax"};
  for (unsigned d = 1; d <= 13; ++d) {
    existing.push_back(partition_name(utc_day(2026, 12, d)));
  }
  const auto p = plan(existing, utc_day(2026, 12, 10), 3, 7);
  EXPECT_EQ(p.drop, (std::vector<std::string>{"p20261201", "p20261202"}));
  EXPECT_TRUE(p.create.empty());
  EXPECT_EQ(retention_cutoff(utc_day(2026, 12, 10), 7), utc_day(2026, 12, 3));
}

TEST(RetentionSql, AGapOfExpiredDaysIsNotCreated) {
  // The hub was down for a month: days are made from the first kept day on.
  const auto p = plan({"p20261101", "pmax"}, utc_day(2026, 12, 5), 2, 7);
  EXPECT_EQ(p.drop, (std::vector<std::string>{"p20261101"}));
  ASSERT_FALSE(p.create.empty());
  EXPECT_EQ(p.create.front(), utc_day(2026, 11, 28));
  EXPECT_EQ(p.create.back(), utc_day(2026, 12, 7));
}

TEST(RetentionSql, OnlyTheCatchAllStartsFromToday) {
  const auto p = plan({"pmax"}, utc_day(2026, 12, 5), 1, 7);
  EXPECT_EQ(p.create, (std::vector<Day>{utc_day(2026, 12, 5), utc_day(2026, 12, 6)}));
}

TEST(RetentionSql, ATableWithoutTheCatchAllIsRefused) {
  const std::vector<std::string> existing{"p20261205", "p20261206"};
  auto planned = plan_partitions(existing, utc_day(2026, 12, 5), 3, 7);
  ASSERT_TRUE(std::holds_alternative<std::string>(planned));
  EXPECT_NE(std::get<std::string>(planned).find("pmax"), std::string::npos);
}

TEST(RetentionSql, SplitsTheCatchAll) {
  const std::vector<Day> days{utc_day(2026, 12, 31), utc_day(2027, 1, 1)};
  EXPECT_EQ(split_catch_all_sql("metricas", days),
            "ALTER TABLE metricas REORGANIZE PARTITION pmax INTO ("
            "PARTITION p20261231 VALUES LESS THAN ('2027-01-01'), "
            "PARTITION p20270101 VALUES LESS THAN ('2027-01-02'), "
            "PARTITION pmax VALUES LESS THAN (MAXVALUE))");
  EXPECT_FALSE(split_catch_all_sql("metricas", {}));
}

TEST(RetentionSql, DropsPartitionsByName) {
  const std::vector<std::string> names{"p20261201", "p20261202"};
  EXPECT_EQ(drop_partitions_sql("metricas", names),
            "ALTER TABLE metricas DROP PARTITION p20261201, p20261202");
  EXPECT_FALSE(drop_partitions_sql("metricas", {}));
}

TEST(RetentionSql, RowByRowPathDeletesBeforeTheSameCutoff) {
  const RetentionTier tier{"metricas_minuto", "minuto", 90};
  EXPECT_EQ(expire_rows_sql(tier, utc_day(2026, 9, 6), 5000),
            "DELETE FROM metricas_minuto WHERE minuto < '2026-09-06' ORDER BY minuto LIMIT 5000");
}

TEST(RetentionSql, ThreeTiersWithTheirDays) {
  const auto tiers = retention_tiers(7, 90, 730);
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[0].table, "metricas");
  EXPECT_EQ(tiers[1].table, "metricas_minuto");
  EXPECT_EQ(tiers[1].days, 90);
  EXPECT_EQ(tiers[2].table, "metricas_hora");
  EXPECT_EQ(tiers[2].days, 730);
}
