#include "memory_source.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseMeminfo, ReadsTotalAndAvailable) {
  auto info = parse_meminfo(
      "MemTotal:        8167848 kB\nMemFree:   512000 kB\nMemAvailable:    6291456 kB\n");
  ASSERT_TRUE(std::holds_alternative<MemInfo>(info));
  EXPECT_EQ(std::get<MemInfo>(info), (MemInfo{8167848, 6291456}));
}

TEST(ParseMeminfo, EstimatesAvailableOnKernelsWithoutIt) {
  auto info = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 20 kB\nCached: 300 kB\n");
  ASSERT_TRUE(std::holds_alternative<MemInfo>(info));
  EXPECT_EQ(std::get<MemInfo>(info), (MemInfo{1000, 420}));
}

TEST(ParseMeminfo, NeedsMemTotal) {
  auto info = parse_meminfo("MemFree: 100 kB\nMemAvailable: 6291456 kB\n");
  ASSERT_TRUE(std::holds_alternative<Failure>(info));
  EXPECT_NE(std::get<Failure>(info).message.find("MemTotal"), std::string::npos);
}

TEST(ParseMeminfo, RejectsANonNumber) {
  auto info = parse_meminfo("MemTotal:  lots kB\nMemAvailable: 12 kB\n");
  ASSERT_TRUE(std::holds_alternative<Failure>(info));
  EXPECT_NE(std::get<Failure>(info).message.find("MemTotal is not"), std::string::npos);
  EXPECT_TRUE(
      std::holds_alternative<Failure>(parse_meminfo("MemTotal: 12 MB\nMemAvailable: 1 kB\n")));
  EXPECT_TRUE(
      std::holds_alternative<Failure>(parse_meminfo("MemTotal: -12 kB\nMemAvailable: 1 kB\n")));
}

TEST(ParseMeminfo, NeitherAvailableNorTheEstimateIsAnError) {
  EXPECT_TRUE(
      std::holds_alternative<Failure>(parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\n")));
}

TEST(ParseMeminfo, AvailableAboveTotalIsClamped) {
  auto info = parse_meminfo("MemTotal: 1000 kB\nMemAvailable: 5000 kB\n");
  ASSERT_TRUE(std::holds_alternative<MemInfo>(info));
  EXPECT_EQ(std::get<MemInfo>(info).available_kib, 1000);
}

TEST(MemoryFrom, UsedIsTotalMinusAvailableInMiB) {
  const Memory memory = memory_from(MemInfo{8167848, 6291456});
  EXPECT_EQ(memory, (Memory{7976, 6144, 1832, 22.97}));
  EXPECT_EQ(memory.used_mib + memory.available_mib, memory.total_mib);
}

TEST(MemoryFrom, ZeroTotalIsZeroPercent) {
  EXPECT_EQ(memory_from(MemInfo{0, 0}), (Memory{0, 0, 0, 0.0}));
}

TEST(PercentOf, RoundsToTwoDecimals) {
  EXPECT_EQ(percent_of(1, 3), 33.33);
  EXPECT_EQ(percent_of(2, 3), 66.67);
  EXPECT_EQ(percent_of(3, 3), 100.0);
}

TEST(MemoryReader, ReadsTheFixture) {
  auto memory = MemoryReader(testing::fixture("normal") + "/meminfo").read();
  ASSERT_TRUE(std::holds_alternative<Memory>(memory));
  EXPECT_EQ(std::get<Memory>(memory), (Memory{7976, 6144, 1832, 22.97}));
}

TEST(MemoryReader, ReportsTheFileOfAMalformedReading) {
  auto memory = MemoryReader(testing::fixture("truncated") + "/meminfo").read();
  ASSERT_TRUE(std::holds_alternative<Failure>(memory));
  EXPECT_NE(std::get<Failure>(memory).message.find("truncated/meminfo"), std::string::npos);
}

TEST(MemoryReader, ReadsTheRealMeminfo) {
  auto memory = MemoryReader("/proc/meminfo").read();
  ASSERT_TRUE(std::holds_alternative<Memory>(memory)) << std::get<Failure>(memory).message;
  EXPECT_GT(std::get<Memory>(memory).total_mib, 0);
}

}  // namespace
}  // namespace vmpulse::agent
