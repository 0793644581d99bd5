#include "load_source.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "uptime_source.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseLoadavg, ReadsTheThreeAverages) {
  auto load = parse_loadavg("0.52 1.58 12.59 2/467 12345\n");
  ASSERT_TRUE(std::holds_alternative<LoadAverage>(load));
  EXPECT_EQ(std::get<LoadAverage>(load), (LoadAverage{0.52, 1.58, 12.59}));
}

TEST(ParseLoadavg, RejectsTruncatedAndGarbledText) {
  for (const char* text : {"", "0.52", "0.52 0.58", "0.52 x 0.59 1/2 3", "-1.00 0 0 1/1 1"}) {
    EXPECT_TRUE(std::holds_alternative<Failure>(parse_loadavg(text))) << text;
  }
}

TEST(LoadReader, NamesTheFileInItsErrors) {
  auto load = LoadReader(testing::fixture("truncated") + "/loadavg").read();
  ASSERT_TRUE(std::holds_alternative<Failure>(load));
  EXPECT_NE(std::get<Failure>(load).message.find("truncated/loadavg: column 2"), std::string::npos);
  auto missing = LoadReader("/nonexistent/loadavg").read();
  ASSERT_TRUE(std::holds_alternative<Failure>(missing));
  EXPECT_TRUE(std::get<Failure>(missing).missing);
}

TEST(ParseUptime, ReadsTheSecondsSinceBoot) {
  auto seconds = parse_uptime("1234.56 2345.67\n");
  ASSERT_TRUE(std::holds_alternative<double>(seconds));
  EXPECT_EQ(std::get<double>(seconds), 1234.56);
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_uptime("")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_uptime("soon 1\n")));
}

TEST(UptimeReader, ReadsTheRealFile) {
  auto seconds = UptimeReader("/proc/uptime").read();
  ASSERT_TRUE(std::holds_alternative<double>(seconds));
  EXPECT_GT(std::get<double>(seconds), 0.0);
}

}  // namespace
}  // namespace vmpulse::agent
