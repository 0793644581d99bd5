#include "vmpulse/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

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
