#include "collector.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <thread>

#include "options.hpp"
#include "test_support.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse::agent {
namespace {

// The sources a kernel module can provide.
constexpr std::array<const char*, 3> kModuleSources = {"cpu", "memory", "processes"};

// The report of source `name`; a missing one is a test failure, not a crash.
const SourceReport& source_of(const Sample& sample, std::string_view name) {
  static const SourceReport kMissing;
  const SourceReport* report = find_source(sample, name);
  EXPECT_NE(report, nullptr) << "no source " << name;
  return report != nullptr ? *report : kMissing;
}

Collector collector_for(const std::string& tree) {
  return Collector({.procfs = testing::fixture(tree),
                    .module_id = "so1",
                    .vm = "fixture-vm",
                    .clock = Clock{parse_utc("2026-01-02 03:04:05")},
                    .rootfs = "/",
                    .sysfs = testing::sysfs("fixture")});
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
  // Version 2: what one reading gives; rates and the top list need a second.
  EXPECT_EQ(r.carga_1, 0.52);
  EXPECT_EQ(r.carga_5, 0.58);
  EXPECT_EQ(r.carga_15, 0.59);
  EXPECT_EQ(r.porcentaje_cpu_robado, 0.31);  // since boot, like porcentaje_cpu_uso
  EXPECT_EQ(r.porcentaje_cpu_espera, 1.55);
  EXPECT_EQ(r.swap_total, 2048);
  EXPECT_EQ(r.swap_libre, 1536);
  EXPECT_EQ(r.tiempo_activo, 1234);
  EXPECT_TRUE(r.disco_total.has_value());  // the real "/"
  EXPECT_GE(*r.disco_total, *r.disco_libre);
  EXPECT_EQ(r.disco_lectura_kib_s, std::nullopt);
  EXPECT_EQ(r.disco_escritura_kib_s, std::nullopt);
  EXPECT_EQ(r.red_rx_kib_s, std::nullopt);
  EXPECT_EQ(r.red_tx_kib_s, std::nullopt);
  EXPECT_EQ(r.procesos_top, std::nullopt);
  for (const SourceReport& source : sample.sources) {
    EXPECT_TRUE(source.ok) << source.name;
    EXPECT_EQ(source.from, Origin::procfs) << source.name;
    EXPECT_FALSE(source.module_loaded) << source.name;
    EXPECT_EQ(source.last_error, "") << source.name;
    EXPECT_EQ(source.duration_seconds, 0.0) << "a frozen clock measures no time";
  }
  expect_valid(r);
}

// kSources: one name and one set of record fields a source, found by name.
TEST(Collector, EachSourceIsRegisteredOnceByName) {
  const Sample sample = collector_for("normal").collect();
  std::set<std::string_view> names;
  std::set<std::string_view> fields;
  for (const SourceReport& source : sample.sources) {
    EXPECT_TRUE(names.insert(source.name).second) << "twice: " << source.name;
    EXPECT_EQ(find_source(sample, source.name), &source);
    for (const char* field : source.fields) {
      if (field != nullptr) {
        EXPECT_TRUE(fields.insert(field).second) << "filled twice: " << field;
      }
    }
  }
  EXPECT_EQ(find_source(sample, "no-such-source"), nullptr);
}

TEST(Collector, ModuleValuesWinOverProcfs) {
  Sample sample = collector_for("module").collect();
  const Record& r = sample.record;
  EXPECT_EQ(r.porcentaje_cpu_uso, 37.5);
  EXPECT_EQ(r.total_ram, 2048);
  EXPECT_EQ(r.total_procesos, 120);
  for (const char* name : kModuleSources) {
    const SourceReport& source = source_of(sample, name);
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
  for (const char* name : kModuleSources) {
    const SourceReport& source = source_of(sample, name);
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
  EXPECT_FALSE(source_of(sample, "cpu").ok);  // cpu: /proc/stat cut short
  EXPECT_EQ(source_of(sample, "cpu").from, Origin::none);
  EXPECT_EQ(r.porcentaje_cpu_uso, 0.0);
  EXPECT_EQ(r.porcentaje_cpu_libre, 100.0);
  EXPECT_FALSE(source_of(sample, "memory").ok);  // memory: no MemTotal
  EXPECT_EQ(r.total_ram, 0);
  EXPECT_TRUE(
      source_of(sample, "processes").ok);  // processes: the readable ones, the others reported
  EXPECT_EQ(r.total_procesos, 2);
  EXPECT_NE(
      source_of(sample, "processes")
          .procfs_error.find(
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
  EXPECT_FALSE(source_of(bad, "memory").ok);
  EXPECT_EQ(bad.record.total_ram, 7976);
  EXPECT_NE(source_of(bad, "memory").last_error.find("meminfo"), std::string::npos);
  EXPECT_EQ(bad.sequence, 2u);
  std::filesystem::remove_all(dir);
}

TEST(Collector, AMissingProcfsFailsEverySourceWithoutThrowing) {
  Sample sample = Collector({.procfs = "/nonexistent/proc",
                             .module_id = "so1",
                             .vm = "vm",
                             .clock = Clock{},
                             .rootfs = "/nonexistent/root",
                             .sysfs = "/nonexistent/sys"})
                      .collect();
  for (const SourceReport& source : sample.sources) {
    EXPECT_FALSE(source.ok) << source.name;
    EXPECT_NE(source.procfs_error, "") << source.name;
  }
  expect_valid(sample.record);
}

// A --procfs that is a symbolic link, pointed at rates-0 then at rates-1: two readings
// of one machine 10 s apart (see make_fixtures.py for how each value is worked out).
class TwoReadings : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    point_at("rates-0");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void point_at(const std::string& tree) {
    std::filesystem::remove(dir_ + "/proc");
    std::filesystem::create_directory_symlink(testing::fixture(tree), dir_ + "/proc");
  }
  Collector collector(std::size_t top) {
    return Collector({.procfs = dir_ + "/proc",
                      .module_id = "so1",
                      .vm = "fixture-vm",
                      .clock = Clock{parse_utc("2026-01-02 03:04:05")},
                      .rootfs = dir_ + "/no-rootfs",
                      .sysfs = testing::sysfs("rates"),
                      .top = top,
                      .units = StatUnits{100, 4}});
  }
  // One directory per test: ctest runs the tests in parallel, each in its own process.
  std::string dir_ = ::testing::TempDir() + "/collector-two-readings-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name();
};

TEST_F(TwoReadings, TheFirstHasNoRatesNorTopList) {
  Collector c = collector(10);
  const Record r = c.collect().record;
  EXPECT_EQ(r.disco_lectura_kib_s, std::nullopt);
  EXPECT_EQ(r.red_rx_kib_s, std::nullopt);
  EXPECT_EQ(r.procesos_top, std::nullopt);
  EXPECT_EQ(r.carga_1, 0.5);
  EXPECT_EQ(r.tiempo_activo, 1000);
  EXPECT_EQ(r.disco_total, std::nullopt);  // --rootfs does not exist
  expect_valid(r);
}

TEST_F(TwoReadings, TheSecondHasRatesSharesAndTheTopList) {
  Collector c = collector(10);
  c.collect();
  point_at("rates-1");
  const Sample sample = c.collect();
  const Record& r = sample.record;
  EXPECT_EQ(r.porcentaje_cpu_uso, 45.0);
  EXPECT_EQ(r.porcentaje_cpu_robado, 5.0);
  EXPECT_EQ(r.porcentaje_cpu_espera, 5.0);
  EXPECT_EQ(r.carga_1, 1.25);
  EXPECT_EQ(r.carga_5, 0.75);
  EXPECT_EQ(r.carga_15, 0.5);
  EXPECT_EQ(r.tiempo_activo, 1010);
  EXPECT_EQ(r.disco_lectura_kib_s, 127.2);  // sda + vdb's wrap; sdb new; partitions out
  EXPECT_EQ(r.disco_escritura_kib_s, 1024.0);
  EXPECT_EQ(r.red_rx_kib_s, 100.0);  // eth0; lo out, eth1 reset, docker0 new, wlan0 gone
  EXPECT_EQ(r.red_tx_kib_s, 5.2);    // eth0 + eth1's 32-bit wrap
  ASSERT_TRUE(r.procesos_top.has_value());
  const std::vector<ProcessEntry> expected = {
      {200, "my (weird) prog)", "R", 50.0, 100.0},
      {600, "stress-ng", "R", 20.0, 7.81},
      {400, "reused", "S", 2.5, 0.39},
      {1, "systemd", "S", 0.5, 11.72},
      {700, "idle?name", "S", 0.0, 3.91},
  };
  EXPECT_EQ(*r.procesos_top, expected);
  EXPECT_FALSE(source_of(sample, "disk_space").ok);
  EXPECT_NE(source_of(sample, "disk_space").procfs_error.find("no-rootfs"), std::string::npos);
  for (const SourceReport& source : sample.sources) {
    EXPECT_TRUE(source.name == std::string_view("disk_space") || source.ok) << source.name;
  }
  expect_valid(r);
}

TEST_F(TwoReadings, TopNTakesNByCpuThenNByMemory) {
  Collector c = collector(2);
  c.collect();
  point_at("rates-1");
  const Record r = c.collect().record;
  ASSERT_TRUE(r.procesos_top.has_value());
  std::vector<std::int64_t> pids;
  for (const ProcessEntry& entry : *r.procesos_top) {
    pids.push_back(entry.pid);
  }
  // 200 and 600 by CPU; then by RSS among the rest: 1 (11.72 MiB), 700 (3.91 MiB).
  EXPECT_EQ(pids, (std::vector<std::int64_t>{200, 600, 1, 700}));
}

TEST_F(TwoReadings, TopZeroIsOff) {
  Collector c = collector(0);
  c.collect();
  point_at("rates-1");
  EXPECT_EQ(c.collect().record.procesos_top, std::nullopt);
}

TEST_F(TwoReadings, AReadingThatFailsRestartsTheRates) {
  Collector c = collector(10);
  c.collect();
  point_at("truncated");  // no usable uptime, diskstats, net/dev or stat
  const Record failed = c.collect().record;
  EXPECT_EQ(failed.disco_lectura_kib_s, std::nullopt);
  EXPECT_EQ(failed.red_rx_kib_s, std::nullopt);
  EXPECT_EQ(failed.tiempo_activo, std::nullopt);
  EXPECT_EQ(failed.carga_1, std::nullopt);
  point_at("rates-1");
  const Record after = c.collect().record;
  EXPECT_EQ(after.red_rx_kib_s, std::nullopt) << "no previous good reading";
  EXPECT_EQ(after.procesos_top, std::nullopt);
  expect_valid(failed);
}

// The same two readings with the kernel module's procesos_so1 beside them: its tareas
// list replaces the /proc scan for procesos_top. 2,000 ticks (20 s of CPU time) pass
// between rates-0 and rates-1.
class ModuleTareas : public TwoReadings {
 protected:
  // dir_/proc: `tree`'s files, its <pid> directories only `with_pids`, and
  // procesos_so1 holding `module` unless that is empty.
  void make(const std::string& tree, bool with_pids, const std::string& module) {
    std::filesystem::remove_all(dir_ + "/proc");
    std::filesystem::create_directory(dir_ + "/proc");
    for (const auto& entry : std::filesystem::directory_iterator(testing::fixture(tree))) {
      const std::string name = entry.path().filename().string();
      if (with_pids || name.find_first_not_of("0123456789") != std::string::npos) {
        std::filesystem::copy(entry.path(), dir_ + "/proc/" + name,
                              std::filesystem::copy_options::recursive);
      }
    }
    if (!module.empty()) {
      std::ofstream(dir_ + "/proc/procesos_so1") << module;
    }
  }
  static constexpr const char* kCounts =
      R"("procesos_corriendo":1,"total_procesos":3,"procesos_durmiendo":2,)"
      R"("procesos_zombie":0,"procesos_parados":0})";
  const std::string before_ =
      std::string(R"({"tareas":[[10,"R",1000000,2048,5000,"hog"],[11,"S",0,4096,6000,"big"],)") +
      R"([12,"S",500000,1024,7000,"exits"]],)" + kCounts;
  // hog used 10 s of the 20; "new (one)" started in the interval (all its 0.2 s
  // count); big used nothing; exits is gone.
  const std::string after_ =
      std::string(R"({"tareas":[[10,"R",11000000,2048,5000,"hog"],[11,"S",0,4096,6000,"big"],)") +
      R"x([13,"S",200000,512,9000,"new (one)"]],)x" + kCounts;
};

TEST_F(ModuleTareas, TheListComesFromTheModuleWithoutAProcScan) {
  Collector c = collector(10);
  make("rates-0", false, before_);  // no <pid> directories: a scan would list nothing
  c.collect();
  make("rates-1", false, after_);
  const Sample sample = c.collect();
  const std::vector<ProcessEntry> expected = {
      {10, "hog", "R", 50.0, 2.0},
      {13, "new (one)", "S", 1.0, 0.5},
      {11, "big", "S", 0.0, 4.0},
  };
  ASSERT_TRUE(sample.record.procesos_top.has_value());
  EXPECT_EQ(*sample.record.procesos_top, expected);
  EXPECT_EQ(sample.record.total_procesos, 3);
  EXPECT_EQ(source_of(sample, "processes").from, Origin::module);
  EXPECT_EQ(source_of(sample, "process_top").from, Origin::module);
  EXPECT_EQ(source_of(sample, "process_top").module_error, "");
  expect_valid(sample.record);
}

TEST_F(ModuleTareas, AListThatDoesNotTallyFallsBackToTheScanAndSaysWhy) {
  Collector c = collector(10);
  const std::string bad = R"({"tareas":[[10,"R",1,2,3,"one"]],)" + std::string(kCounts);
  make("rates-0", true, bad);
  c.collect();
  make("rates-1", true, bad);
  const Sample sample = c.collect();
  ASSERT_TRUE(sample.record.procesos_top.has_value());
  EXPECT_EQ(sample.record.procesos_top->front().pid, 200);  // rates-1's busiest, from /proc
  EXPECT_EQ(source_of(sample, "process_top").from, Origin::procfs);
  EXPECT_NE(source_of(sample, "process_top").module_error.find("tally"), std::string::npos)
      << source_of(sample, "process_top").module_error;
  EXPECT_EQ(source_of(sample, "processes").from, Origin::module) << "the counts still parse";
}

// Captures what the collector logs while it lives, and puts the default logger back.
class LogCapture {
 public:
  LogCapture()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)),
        previous_(spdlog::default_logger()) {
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::size_t count(const std::string& part) const {
    const auto lines = sink_->last_formatted();
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
      return l.find(part) != std::string::npos;
    }));
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(ModuleTareas, TheFallbackToTheScanIsLoggedOnceWithItsReason) {
  const LogCapture log;
  Collector c = collector(10);
  const std::string bad = R"({"tareas":[[10,"R",1,2,3,"one"]],)" + std::string(kCounts);
  make("rates-0", true, bad);
  c.collect();
  make("rates-1", true, bad);
  c.collect();
  EXPECT_EQ(log.count("source process_top: module unusable, using procfs: "), 1u);
  EXPECT_EQ(log.count("tally"), 1u);
  make("rates-1", true, after_);  // the module's list is good again
  c.collect();
  c.collect();
  EXPECT_EQ(log.count("source process_top: values from module"), 1u);
  EXPECT_EQ(log.count("source process_top: values from procfs"), 1u) << "the first, only";
}

TEST_F(ModuleTareas, SwitchingSourcesStartsTheListAfresh) {
  Collector c = collector(10);
  make("rates-0", true, before_);
  c.collect();
  make("rates-1", true, "");  // module unloaded: the scan's start times are ticks
  EXPECT_EQ(c.collect().record.procesos_top, std::nullopt);
}

TEST(Collector, TheRealProcGivesAValidRecord) {
  Collector collector({"/proc", "so1", "vm", Clock{}});
  collector.collect();
  // Rates need the uptime (hundredths of a second) and the CPU ticks to move on.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Sample sample = collector.collect();
  EXPECT_GT(sample.record.total_ram, 0);
  EXPECT_TRUE(sample.record.tiempo_activo.has_value());
  EXPECT_TRUE(sample.record.red_rx_kib_s.has_value());
  EXPECT_TRUE(sample.record.disco_escritura_kib_s.has_value());
  ASSERT_TRUE(sample.record.procesos_top.has_value());
  EXPECT_LE(sample.record.procesos_top->size(), 20u);
  EXPECT_GT(sample.record.total_procesos, 0);
  expect_valid(sample.record);
}

}  // namespace
}  // namespace vmpulse::agent
