#include "vmpulse/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace vmpulse {
namespace {

TEST(Logging, LevelFromTheArgument) {
  init_logging("vmpulse-test", "debug");
  EXPECT_EQ(spdlog::get_level(), spdlog::level::debug);
  EXPECT_EQ(spdlog::default_logger()->name(), "vmpulse-test");
}

TEST(Logging, SecondCallReplacesTheLogger) {
  init_logging("first", "warn");
  EXPECT_NO_THROW(init_logging("first", "error"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::err);
}

TEST(Logging, UnknownLevelFallsBackToInfo) {
  init_logging("vmpulse-test", "loud");
  EXPECT_EQ(spdlog::get_level(), spdlog::level::info);
}

TEST(Logging, OffMeansOff) {
  init_logging("vmpulse-test", "off");
  EXPECT_EQ(spdlog::get_level(), spdlog::level::off);
  init_logging("vmpulse-test", "info");
}

}  // namespace
}  // namespace vmpulse

namespace vmpulse {
namespace {

TEST(Logging, JsonLineHasCloudLoggingFields) {
  const auto line = nlohmann::json::parse(json_log_line("2026-01-01T00:00:00.000Z", "WARNING",
                                                        "vmpulse-api", "a \"quoted\"\n\x01 \xff"));
  EXPECT_EQ(line.at("time"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(line.at("severity"), "WARNING");
  EXPECT_EQ(line.at("component"), "vmpulse-api");
  EXPECT_EQ(line.at("message").get<std::string>().substr(0, 12), "a \"quoted\"\n\x01");
}

TEST(Logging, UnknownFormatIsAProblem) {
  EXPECT_FALSE(init_logging("vmpulse-test", "info", "json").has_value());
  EXPECT_FALSE(init_logging("vmpulse-test", "info", "text").has_value());
  const auto problem = init_logging("vmpulse-test", "info", "xml");
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("xml"), std::string::npos);
  EXPECT_TRUE(is_log_format("json"));
  EXPECT_FALSE(is_log_format("JSON"));
}

}  // namespace
}  // namespace vmpulse
