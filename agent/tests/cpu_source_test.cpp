#include "cpu_source.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseProcStat, ReadsTheAggregateLine) {
  auto times = parse_proc_stat("cpu  10 20 30 40 50 60 70 80 90 100\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
  ASSERT_TRUE(std::holds_alternative<CpuTimes>(times));
  EXPECT_EQ(std::get<CpuTimes>(times), (CpuTimes{10, 20, 30, 40, 50, 60, 70, 80}));
  EXPECT_EQ(std::get<CpuTimes>(times).total(), 360u);  // guest columns are inside user already
  EXPECT_EQ(std::get<CpuTimes>(times).idle_total(), 90u);
}

TEST(ParseProcStat, AcceptsOldKernelsWithFourColumns) {
  auto times = parse_proc_stat("cpu 1 2 3 4\n");
  ASSERT_TRUE(std::holds_alternative<CpuTimes>(times));
  EXPECT_EQ(std::get<CpuTimes>(times).idle, 4u);
  EXPECT_EQ(std::get<CpuTimes>(times).steal, 0u);
}

TEST(ParseProcStat, RejectsTooFewColumns) {
  auto times = parse_proc_stat("cpu  1 2 3\n");
  ASSERT_TRUE(std::holds_alternative<Failure>(times));
  EXPECT_NE(std::get<Failure>(times).message.find("at least 4"), std::string::npos);
}

TEST(ParseProcStat, RejectsATruncatedFirstLine) {
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("cpu  10000 500")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("")));
}

TEST(ParseProcStat, RejectsWordsWhereCountersBelong) {
  auto times = parse_proc_stat("cpu  ten twenty thirty forty\n");
  ASSERT_TRUE(std::holds_alternative<Failure>(times));
  EXPECT_NE(std::get<Failure>(times).message.find("column 1"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("cpu  1 2 3 4x 5\n")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("cpu  1 2 3 -4 5\n")));
}

TEST(ParseProcStat, RejectsAPerCpuLineFirst) {
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("cpu0 1 2 3 4\n")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_proc_stat("intr 1 2 3 4\n")));
}

TEST(CpuUsageBetween, IsTheNonIdleShareOfTheDelta) {
  const CpuTimes before{100, 0, 100, 800, 0, 0, 0, 0};
  const CpuTimes after{150, 0, 150, 900, 0, 0, 0, 0};  // 100 busy of 200
  EXPECT_EQ(cpu_usage_between(before, after), (CpuUsage{50.0, 50.0}));
}

TEST(CpuUsageBetween, CountsIowaitAsIdleAndStealAsBusy) {
  const CpuTimes before{};
  const CpuTimes after{10, 0, 0, 60, 20, 0, 0, 10};  // busy 20 of 100
  EXPECT_EQ(cpu_usage_between(before, after), (CpuUsage{20.0, 80.0}));
}

TEST(CpuUsageBetween, WithoutAPreviousReadingIsTheAverageSinceBoot) {
  const CpuTimes now{10000, 500, 4000, 80000, 1500, 0, 200, 300};
  EXPECT_EQ(cpu_usage_between(std::nullopt, now), (CpuUsage{15.54, 84.46}));
}

TEST(CpuUsageBetween, NoTicksElapsedAnswersNothing) {
  const CpuTimes same{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(cpu_usage_between(same, same), std::nullopt);
}

TEST(CpuUsageBetween, CountersGoingBackwardsFallBackToSinceBoot) {
  const CpuTimes before{5000, 0, 0, 5000, 0, 0, 0, 0};
  const CpuTimes after{100, 0, 0, 300, 0, 0, 0, 0};  // e.g. a CPU was unplugged
  EXPECT_EQ(cpu_usage_between(before, after), (CpuUsage{25.0, 75.0}));
}

TEST(UsageFromPercent, SumsToExactlyOneHundred) {
  for (int i = 0; i <= 10000; i += 7) {
    const CpuUsage usage = usage_from_percent(i / 100.0 + 0.004);
    EXPECT_EQ(usage.used_percent + usage.free_percent, 100.0) << i;
    EXPECT_GE(usage.free_percent, 0.0);
  }
}

TEST(UsageFromPercent, ClampsToTheRange) {
  EXPECT_EQ(usage_from_percent(-3), (CpuUsage{0.0, 100.0}));
  EXPECT_EQ(usage_from_percent(140), (CpuUsage{100.0, 0.0}));
  EXPECT_EQ(usage_from_percent(std::nan("")), (CpuUsage{0.0, 100.0}));
}

TEST(CpuReader, AFrozenFileKeepsTheFirstAnswer) {
  CpuReader reader(testing::fixture("normal") + "/stat");
  auto first = reader.read();
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(first)) << std::get<Failure>(first).message;
  EXPECT_EQ(std::get<CpuUsage>(first), (CpuUsage{15.54, 84.46}));
  auto second = reader.read();
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(second));
  EXPECT_EQ(std::get<CpuUsage>(second), std::get<CpuUsage>(first));
}

TEST(CpuReader, ReportsTheFileOfAMalformedReading) {
  CpuReader reader(testing::fixture("malformed") + "/stat");
  auto usage = reader.read();
  ASSERT_TRUE(std::holds_alternative<Failure>(usage));
  EXPECT_NE(std::get<Failure>(usage).message.find("malformed/stat"), std::string::npos);
  EXPECT_FALSE(std::get<Failure>(usage).missing);
}

TEST(CpuReader, AMissingFileIsReportedAsMissing) {
  CpuReader reader(testing::fixture("normal") + "/no-such-stat");
  auto usage = reader.read();
  ASSERT_TRUE(std::holds_alternative<Failure>(usage));
  EXPECT_TRUE(std::get<Failure>(usage).missing);
}

TEST(CpuReader, ReadsTheRealProcStat) {
  CpuReader reader("/proc/stat");
  auto usage = reader.read();
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(usage)) << std::get<Failure>(usage).message;
  EXPECT_EQ(std::get<CpuUsage>(usage).used_percent + std::get<CpuUsage>(usage).free_percent, 100.0);
}

}  // namespace
}  // namespace vmpulse::agent
