#include "row_tracker.hpp"

#include <gtest/gtest.h>

using vmpulse::hub::RowTracker;
using namespace std::chrono_literals;

namespace {
const RowTracker::Clock::time_point t0{};
}

TEST(RowTracker, InOrderIdsAdvanceTheWatermark) {
  RowTracker tracker(5s);
  tracker.start_at(10);
  EXPECT_EQ(tracker.where_clause(), "id > 10");
  EXPECT_TRUE(tracker.accept(11, t0));
  EXPECT_TRUE(tracker.accept(12, t0));
  tracker.settle(t0);
  EXPECT_EQ(tracker.watermark(), 12u);
  EXPECT_EQ(tracker.where_clause(), "id > 12");
}

TEST(RowTracker, RepeatedAndSettledIdsAreNotDeliveredTwice) {
  RowTracker tracker(5s);
  tracker.start_at(10);
  EXPECT_FALSE(tracker.accept(9, t0));
  EXPECT_TRUE(tracker.accept(13, t0));
  EXPECT_FALSE(tracker.accept(13, t0));
}

TEST(RowTracker, GapsAreQueriedAgainUntilTheyCommit) {
  RowTracker tracker(5s);
  tracker.start_at(10);
  EXPECT_TRUE(tracker.accept(11, t0));
  EXPECT_TRUE(tracker.accept(14, t0));
  tracker.settle(t0 + 1s);
  EXPECT_EQ(tracker.watermark(), 11u);
  EXPECT_EQ(tracker.gap_count(), 2u);
  EXPECT_EQ(tracker.where_clause(), "id > 14 OR id IN (12,13)");
  EXPECT_FALSE(tracker.delivered(12));
  EXPECT_TRUE(tracker.delivered(14));

  EXPECT_TRUE(tracker.accept(13, t0 + 2s));  // a late commit
  tracker.settle(t0 + 2s);
  EXPECT_EQ(tracker.where_clause(), "id > 14 OR id IN (12)");
  EXPECT_TRUE(tracker.accept(12, t0 + 3s));
  tracker.settle(t0 + 3s);
  EXPECT_EQ(tracker.watermark(), 14u);
  EXPECT_EQ(tracker.where_clause(), "id > 14");
  EXPECT_EQ(tracker.abandoned_gaps(), 0u);
}

TEST(RowTracker, GapOlderThanTheLateWindowIsGivenUp) {
  RowTracker tracker(5s);
  tracker.start_at(10);
  tracker.accept(12, t0);
  tracker.settle(t0 + 4s);
  EXPECT_EQ(tracker.watermark(), 10u);
  tracker.settle(t0 + 5s);
  EXPECT_EQ(tracker.watermark(), 12u);
  EXPECT_EQ(tracker.abandoned_gaps(), 1u);
  EXPECT_TRUE(tracker.delivered(11));  // settled: never delivered later
}

TEST(RowTracker, TooManyGapsFallBackToTheWatermark) {
  RowTracker tracker(5s, 3);
  tracker.start_at(0);
  tracker.accept(10, t0);
  tracker.settle(t0);
  EXPECT_EQ(tracker.where_clause(), "id > 0");
}
