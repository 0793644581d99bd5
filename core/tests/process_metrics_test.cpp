#include "vmpulse/process_metrics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace vmpulse::metrics {
namespace {

// name → value of every sample line of a render (no labels here).
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto space = line.find(' ');
    const std::string value = line.substr(space + 1);
    out[line.substr(0, space)] =
        value == "NaN" ? std::nan("") : std::strtod(value.c_str(), nullptr);
  }
  return out;
}

TEST(ProcessMetrics, StatmGivesVirtualThenResidentBytes) {
  const auto statm = parse_statm("2000 300 100 50 0 900 0\n", 4096);
  ASSERT_TRUE(statm);
  EXPECT_EQ(statm->first, 2000.0 * 4096);
  EXPECT_EQ(statm->second, 300.0 * 4096);
  EXPECT_EQ(parse_statm("7 5", 1024), (std::pair{7.0 * 1024, 5.0 * 1024}));
  for (const char* bad : {"", "\n", "2000", "2000 ", "x 300", "2000 -3", "2000\t300"}) {
    EXPECT_FALSE(parse_statm(bad, 4096)) << '"' << bad << '"';
  }
}

// This test's own process, as a scrape of the api or the hub would see theirs.
TEST(ProcessMetrics, ThisProcessHasPlausibleValuesAndPromtoolNames) {
  Registry registry;
  const double before =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  register_process_metrics(registry);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);
  const auto values = samples(text);
  ASSERT_EQ(values.size(), 6u) << text;
  EXPECT_GE(values.at("process_cpu_seconds_total"), 0.0);
  EXPECT_GT(values.at("process_resident_memory_bytes"), 1024.0 * 1024);  // a gtest binary
  EXPECT_GE(values.at("process_virtual_memory_bytes"), values.at("process_resident_memory_bytes"));
  EXPECT_GE(values.at("process_open_fds"), 3.0);  // stdin, stdout, stderr at least
  EXPECT_GE(values.at("process_max_fds"), values.at("process_open_fds"));
  EXPECT_GE(values.at("process_start_time_seconds"), before);
  EXPECT_LT(values.at("process_start_time_seconds"), before + 60);
}

TEST(ProcessMetrics, WhatCannotBeReadIsNaNAndTheScrapeGoesOn) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("vmpulse-proc-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "fd");
  for (const char* fd : {"0", "1", "2", "7"}) {
    std::ofstream(dir / "fd" / fd) << "";
  }
  std::ofstream(dir / "statm") << "not numbers\n";
  Registry registry;
  register_process_metrics(registry, dir.string());
  auto values = samples(registry.render());
  EXPECT_TRUE(std::isnan(values.at("process_resident_memory_bytes")));
  EXPECT_TRUE(std::isnan(values.at("process_virtual_memory_bytes")));
  EXPECT_EQ(values.at("process_open_fds"), 4.0);
  std::ofstream(dir / "statm") << "10 4 1 1 0 5 0\n";
  std::filesystem::remove_all(dir / "fd");
  values = samples(registry.render());
  // Both sizes of this render: the virtual one is what the resident one's read left
  // (registration order), so a stale or missing virtual size would show here.
  const auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  EXPECT_EQ(values.at("process_resident_memory_bytes"), 4 * page);
  EXPECT_EQ(values.at("process_virtual_memory_bytes"), 10 * page);
  EXPECT_TRUE(std::isnan(values.at("process_open_fds")));
  std::filesystem::remove_all(dir);
  values = samples(registry.render());
  EXPECT_TRUE(std::isnan(values.at("process_resident_memory_bytes")));
  EXPECT_TRUE(std::isnan(values.at("process_virtual_memory_bytes")));
}

}  // namespace
}  // namespace vmpulse::metrics
