#include "history_tier.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {

constexpr std::int64_t kNow = 1'780'000'000;  // 2026-05-28
constexpr std::int64_t kDay = 24LL * 3600;
constexpr TierDays kDays{7, 90};

TierChoice choose(std::int64_t span, int points = 1000,
                  HistorySource source = HistorySource::automatic, std::int64_t to = kNow) {
  HistoryParams params{"web-1", to - span, to, points, source};
  return choose_history_tier(params, kNow, kDays);
}

}  // namespace

TEST(HistoryTier, ShortSpansReadRawRows) {
  const TierChoice c = choose(3600);
  EXPECT_EQ(c.tier, HistoryTier::raw);
  EXPECT_EQ(c.bucket, 4);
}

TEST(HistoryTier, WholeMinuteBucketsReadTheMinutes) {
  const TierChoice day = choose(kDay);
  EXPECT_EQ(day.tier, HistoryTier::minute);
  EXPECT_EQ(day.bucket, 120);
  const TierChoice week = choose(7 * kDay);
  EXPECT_EQ(week.tier, HistoryTier::minute);
  EXPECT_EQ(week.bucket, 660);
  // 25-minute buckets are minutes; 30-minute ones read hours.
  EXPECT_EQ(choose(25 * 1000 * 60 - 1).tier, HistoryTier::minute);
  EXPECT_EQ(choose(30 * 1000 * 60 - 1).tier, HistoryTier::hour);
  const TierChoice month = choose(30 * kDay, 10000);
  EXPECT_EQ(month.tier, HistoryTier::minute);
  EXPECT_EQ(month.bucket, 300);
}

TEST(HistoryTier, HalfHourBucketsAndMoreReadTheHours) {
  const TierChoice month = choose(30 * kDay);
  EXPECT_EQ(month.tier, HistoryTier::hour);
  EXPECT_EQ(month.bucket, 3600);
  const TierChoice year = choose(365 * kDay);
  EXPECT_EQ(year.tier, HistoryTier::hour);
  EXPECT_EQ(year.bucket % 3600, 0);
  EXPECT_LE((kNow / year.bucket) - ((kNow - 365 * kDay) / year.bucket) + 1, 1000);
}

TEST(HistoryTier, NeverATierThatNoLongerHoldsTheStart) {
  // Ten seconds, eight days ago: raw rows are gone (7 days), minutes are whole.
  const TierChoice week = choose(600, 1000, HistorySource::automatic, kNow - 8 * kDay);
  EXPECT_EQ(week.tier, HistoryTier::minute);
  EXPECT_EQ(week.bucket, 60);
  // 100 days ago at 10,000 points: buckets of 15 minutes, but minutes are kept 90 days.
  const TierChoice old = choose(100 * kDay, 10000);
  EXPECT_EQ(old.tier, HistoryTier::hour);
  EXPECT_EQ(old.bucket, 3600);
}

TEST(HistoryTier, SourceForcesATier) {
  EXPECT_EQ(choose(30 * kDay, 1000, HistorySource::raw).tier, HistoryTier::raw);
  EXPECT_EQ(choose(3600, 1000, HistorySource::rollup).tier, HistoryTier::minute);
  EXPECT_EQ(choose(3600, 1000, HistorySource::rollup).bucket, 60);
  EXPECT_EQ(choose(kDay, 1000, HistorySource::hour).tier, HistoryTier::hour);
  EXPECT_EQ(choose(kDay, 1000, HistorySource::hour).bucket, 3600);
}

TEST(HistoryTier, BucketInUnitsKeepsThePointsBound) {
  for (const std::int64_t unit : {1, 60, 3600}) {
    for (const std::int64_t span : {100LL, 3599LL, 86'399LL, 31'535'999LL}) {
      for (const int points : {1, 7, 1000}) {
        const std::int64_t from = kNow - span;
        const std::int64_t b = bucket_in_units(from, kNow, points, unit);
        EXPECT_EQ(b % unit, 0) << unit << " " << span << " " << points;
        EXPECT_LE(kNow / b - from / b + 1, points) << unit << " " << span << " " << points;
      }
    }
  }
}

TEST(HistoryTier, HeaderNames) {
  EXPECT_EQ(history_tier_name(HistoryTier::raw), "raw");
  EXPECT_EQ(history_tier_name(HistoryTier::minute), "rollup");
  EXPECT_EQ(history_tier_name(HistoryTier::hour), "hour");
}
