#include "collector.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "options.hpp"
#include "test_support.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse::agent {
namespace {

Collector collector_for(const std::string& tree) {
  return Collector(
      {testing::fixture(tree), "so1", "fixture-vm", Clock{parse_utc("2026-01-02 03:04:05")}});
}

// Every record the agent makes must pass the ingest contract.
void expect_valid(const Record& record) {
  auto parsed = parse_ingest_body(to_json(record));
  ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(parsed))
      << to_json(record) << " → " << to_json(std::get<ContractError>(parsed));
}

TEST(Collector, NormalFixtureFromProcfs) {
  Sample sample = collector_for("normal").collect();
  const Record& r = sample.record;
  EXPECT_EQ(r.vm, "fixture-vm");
  EXPECT_EQ(r.hora, "2026-01-02 03:04:05");
  EXPECT_EQ(r.porcentaje_cpu_uso, 15.54);
  EXPECT_EQ(r.porcentaje_cpu_libre, 84.46);
  EXPECT_EQ(r.total_ram, 7976);
  EXPECT_EQ(r.ram_libre, 6144);
  EXPECT_EQ(r.uso_ram, 1832);
  EXPECT_EQ(r.porcentaje_ram, 22.97);
  EXPECT_EQ(r.procesos_corriendo, 1);
  EXPECT_EQ(r.procesos_durmiendo, 4);
  EXPECT_EQ(r.procesos_zombie, 1);
  EXPECT_EQ(r.procesos_parados, 0);
  EXPECT_EQ(r.total_procesos, 6);
  for (const SourceReport& source : sample.sources) {
    EXPECT_TRUE(source.ok) << source.name;
    EXPECT_EQ(source.from, Origin::procfs) << source.name;
    EXPECT_FALSE(source.module_loaded) << source.name;
    EXPECT_EQ(source.last_error, "") << source.name;
    EXPECT_EQ(source.duration_seconds, 0.0) << "a frozen clock measures no time";
  }
  expect_valid(r);
}

TEST(Collector, ModuleValuesWinOverProcfs) {
  Sample sample = collector_for("module").collect();
  const Record& r = sample.record;
  EXPECT_EQ(r.porcentaje_cpu_uso, 37.5);
  EXPECT_EQ(r.total_ram, 2048);
  EXPECT_EQ(r.total_procesos, 120);
  for (const SourceReport& source : sample.sources) {
    EXPECT_EQ(source.from, Origin::module) << source.name;
    EXPECT_TRUE(source.module_loaded);
  }
  expect_valid(r);
}

TEST(Collector, MalformedModulesFallBackToProcfsAndSaySo) {
  Sample sample = collector_for("module-malformed").collect();
  const Record& r = sample.record;
  EXPECT_EQ(r.porcentaje_cpu_uso, 15.54);
  EXPECT_EQ(r.total_ram, 7976);
  EXPECT_EQ(r.total_procesos, 3);
  EXPECT_EQ(r.procesos_zombie, 1);
  for (const SourceReport& source : sample.sources) {
    EXPECT_TRUE(source.ok);
    EXPECT_EQ(source.from, Origin::procfs) << source.name;
    EXPECT_TRUE(source.module_loaded);
    EXPECT_NE(source.module_error, "") << source.name;
    EXPECT_EQ(source.last_error, source.module_error);
    EXPECT_EQ(source.last_error_hora, "2026-01-02 03:04:05");
  }
  expect_valid(r);
}

TEST(Collector, TruncatedFilesFailTheirSourcesButTheRecordStaysValid) {
  Sample sample = collector_for("truncated").collect();
  const Record& r = sample.record;
  EXPECT_FALSE(sample.sources[0].ok);  // cpu: /proc/stat cut short
  EXPECT_EQ(sample.sources[0].from, Origin::none);
  EXPECT_EQ(r.porcentaje_cpu_uso, 0.0);
  EXPECT_EQ(r.porcentaje_cpu_libre, 100.0);
  EXPECT_FALSE(sample.sources[1].ok);  // memory: no MemTotal
  EXPECT_EQ(r.total_ram, 0);
  EXPECT_TRUE(sample.sources[2].ok);  // processes: the readable ones, the others reported
  EXPECT_EQ(r.total_procesos, 2);
  EXPECT_NE(sample.sources[2].procfs_error.find(
                "skipped 3 process stat file(s) without a state after the command name, first " +
                testing::fixture("truncated") + "/3/stat"),
            std::string::npos);
  expect_valid(r);
}

TEST(Collector, AFailedSourceKeepsItsLastGoodValue) {
  const std::string dir = ::testing::TempDir() + "/collector-last-good";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(testing::fixture("normal") + "/meminfo", dir + "/meminfo");
  std::filesystem::copy_file(testing::fixture("normal") + "/stat", dir + "/stat");
  Collector collector({dir, "so1", "vm", Clock{}});
  const Sample good = collector.collect();
  EXPECT_EQ(good.record.total_ram, 7976);
  std::filesystem::remove(dir + "/meminfo");
  const Sample bad = collector.collect();
  EXPECT_FALSE(bad.sources[1].ok);
  EXPECT_EQ(bad.record.total_ram, 7976);
  EXPECT_NE(bad.sources[1].last_error.find("meminfo"), std::string::npos);
  EXPECT_EQ(bad.sequence, 2u);
  std::filesystem::remove_all(dir);
}

TEST(Collector, AMissingProcfsFailsEverySourceWithoutThrowing) {
  Sample sample = Collector({"/nonexistent/proc", "so1", "vm", Clock{}}).collect();
  for (const SourceReport& source : sample.sources) {
    EXPECT_FALSE(source.ok) << source.name;
    EXPECT_NE(source.procfs_error, "") << source.name;
  }
  expect_valid(sample.record);
}

TEST(Collector, TheRealProcGivesAValidRecord) {
  Collector collector({"/proc", "so1", "vm", Clock{}});
  collector.collect();
  Sample sample = collector.collect();
  EXPECT_GT(sample.record.total_ram, 0);
  EXPECT_GT(sample.record.total_procesos, 0);
  expect_valid(sample.record);
}

}  // namespace
}  // namespace vmpulse::agent
