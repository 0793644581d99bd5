#include "snapshot.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"
#include "sampler.hpp"
#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

Sample fixture_sample(const std::string& tree) {
  return Collector(
             {testing::fixture(tree), "so1", "fixture-vm", Clock{parse_utc("2026-01-02 03:04:05")}})
      .collect();
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(RenderPrometheus, EveryGaugeHasHelpTypeAndValue) {
  const std::string text = render_prometheus(fixture_sample("normal"), AgentInfo{"so1", "1.2.3"});
  for (const char* name :
       {"vmpulse_agent_info", "vmpulse_sample_timestamp_seconds", "vmpulse_cpu_used_percent",
        "vmpulse_cpu_free_percent", "vmpulse_memory_total_bytes", "vmpulse_memory_available_bytes",
        "vmpulse_memory_used_bytes", "vmpulse_memory_used_percent", "vmpulse_processes",
        "vmpulse_processes_all", "vmpulse_source_success", "vmpulse_source_module",
        "vmpulse_source_duration_seconds"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_TRUE(has_line(text, std::string("# TYPE ") + name + " gauge")) << name;
  }
  EXPECT_TRUE(
      has_line(text, R"(vmpulse_agent_info{vm="fixture-vm",module_id="so1",version="1.2.3"} 1)"));
  EXPECT_TRUE(has_line(text, "vmpulse_sample_timestamp_seconds 1767323045"));
  EXPECT_TRUE(has_line(text, "vmpulse_cpu_used_percent 15.54"));
  EXPECT_TRUE(has_line(text, "vmpulse_memory_total_bytes 8363442176"));  // 7976 MiB
  EXPECT_TRUE(has_line(text, R"(vmpulse_processes{state="sleeping"} 4)"));
  EXPECT_TRUE(has_line(text, "vmpulse_processes_all 6"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_source_success{source="memory"} 1)"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_source_module{source="cpu"} 0)"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_source_duration_seconds{source="processes"} 0)"));
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(RenderPrometheus, LabelValuesAreEscaped) {
  Sample sample = fixture_sample("normal");
  const std::string text = render_prometheus(sample, AgentInfo{"a\"b\\c\nd", "v"});
  EXPECT_NE(text.find(R"(module_id="a\"b\\c\nd")"), std::string::npos);
}

TEST(RenderPrometheus, LabelsAreOneInfoSeriesOnlyWhenSet) {
  Sample sample = fixture_sample("normal");
  EXPECT_EQ(render_prometheus(sample, AgentInfo{"so1", "v"}).find("vmpulse_agent_labels"),
            std::string::npos);
  sample.record.etiquetas = Labels{{"env", "prod"}, {"vm", "a \"b\""}};
  const std::string text = render_prometheus(sample, AgentInfo{"so1", "v"});
  EXPECT_TRUE(has_line(text, "# TYPE vmpulse_agent_labels gauge"));
  EXPECT_TRUE(has_line(
      text, R"(vmpulse_agent_labels{vm="fixture-vm",label_env="prod",label_vm="a \"b\""} 1)"))
      << text;
}

TEST(RenderJson, LabelsAreInTheRecord) {
  Collector collector({.procfs = testing::fixture("normal"),
                       .module_id = "so1",
                       .vm = "fixture-vm",
                       .clock = Clock{parse_utc("2026-01-02 03:04:05")},
                       .labels = Labels{{"env", "prod"}}});
  // The sampler encodes the record once and serves and pushes those bytes.
  const std::string json = to_json(collector.collect().record);
  EXPECT_EQ(nlohmann::json::parse(json)["etiquetas"], nlohmann::json({{"env", "prod"}}));
}

TEST(RenderPrometheus, FailedSourcesReportZero) {
  const std::string text = render_prometheus(fixture_sample("truncated"), AgentInfo{"so1", "v"});
  EXPECT_TRUE(has_line(text, R"(vmpulse_source_success{source="cpu"} 0)"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_source_success{source="processes"} 1)"));
}

TEST(RenderSources, NamesTheOriginAndErrorsOfEachSource) {
  const auto sources = nlohmann::json::parse(render_sources(fixture_sample("module-malformed")));
  EXPECT_EQ(sources["vm"], "fixture-vm");
  EXPECT_EQ(sources["fields"]["porcentaje_cpu_uso"], "procfs");
  EXPECT_EQ(sources["fields"]["total_procesos"], "procfs");
  const auto& cpu = sources["sources"]["cpu"];
  EXPECT_EQ(cpu["from"], "procfs");
  EXPECT_EQ(cpu["ok"], true);
  EXPECT_EQ(cpu["module"]["loaded"], true);
  EXPECT_NE(cpu["module"]["error"].get<std::string>().find("not 100"), std::string::npos);
  EXPECT_TRUE(cpu["procfs"]["error"].is_null());
  EXPECT_EQ(cpu["last_error_hora"], "2026-01-02 03:04:05");
}

TEST(RenderSources, AFailedSourceServesTheLastValue) {
  const auto sources = nlohmann::json::parse(render_sources(fixture_sample("truncated")));
  EXPECT_EQ(sources["fields"]["porcentaje_cpu_uso"], "last");
  EXPECT_TRUE(sources["sources"]["cpu"]["from"].is_null());
  EXPECT_EQ(sources["sources"]["cpu"]["ok"], false);
}

// Two readings of the rates fixture (see collector_test's TwoReadings).
Sample second_rates_sample(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::create_directory_symlink(testing::fixture("rates-0"), dir + "/proc");
  Collector collector({.procfs = dir + "/proc",
                       .module_id = "so1",
                       .vm = "fixture-vm",
                       .clock = Clock{parse_utc("2026-01-02 03:04:05")},
                       .rootfs = dir + "/no-rootfs",
                       .sysfs = testing::sysfs("rates"),
                       .top = 10,
                       .units = StatUnits{100, 4}});
  collector.collect();
  std::filesystem::remove(dir + "/proc");
  std::filesystem::create_directory_symlink(testing::fixture("rates-1"), dir + "/proc");
  Sample sample = collector.collect();
  std::filesystem::remove_all(dir);
  return sample;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// VMPULSE_AGENT_UPDATE_EXPECTED=1 rewrites the expected file instead (review the diff).
void expect_file(const std::string& actual, const std::string& name) {
  const std::string path = testing::expected(name);
  const char* update =
      std::getenv("VMPULSE_AGENT_UPDATE_EXPECTED");  // NOLINT(concurrency-mt-unsafe)
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  EXPECT_EQ(actual, file_text(path)) << "differs from " << path;
}

TEST(RenderPrometheus, Version2FieldsAndProcessSeriesAsExpected) {
  const Sample sample = second_rates_sample(::testing::TempDir() + "/snapshot-rates");
  expect_file(render_prometheus(sample, AgentInfo{"so1", "fixture", true}), "rates-1.prom");
  const std::string without = render_prometheus(sample, AgentInfo{"so1", "fixture", false});
  EXPECT_EQ(without.find("vmpulse_process_"), std::string::npos) << "off by default";
  EXPECT_TRUE(has_line(without, "vmpulse_load1 1.25"));
  EXPECT_TRUE(has_line(without, "vmpulse_network_receive_bytes_per_second 102400"));
  EXPECT_EQ(without.find("vmpulse_filesystem_size_bytes"), std::string::npos)
      << "absent fields have no series";
}

// Worked out by hand from rates-1's diskstats and net/dev (rates-1.prom holds them all):
// sectors times 512; sda1 (a partition), loop0, dm-0 and lo are not series.
TEST(RenderPrometheus, PerDeviceCountersAreBytesSinceBoot) {
  const Sample sample = second_rates_sample(::testing::TempDir() + "/snapshot-devices");
  const std::string text = render_prometheus(sample, AgentInfo{"so1", "fixture"});
  EXPECT_TRUE(has_line(text, "# TYPE vmpulse_disk_read_bytes_total counter"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_disk_read_bytes_total{device="sda"} 1560576)"));  // 3048
  EXPECT_TRUE(has_line(text, R"(vmpulse_disk_written_bytes_total{device="sda"} 11509760)"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_network_receive_bytes_total{device="eth0"} 2024000)"));
  EXPECT_TRUE(has_line(text, R"(vmpulse_network_transmit_bytes_total{device="eth1"} 1024)"));
  for (const char* absent :
       {R"({device="sda1"})", R"({device="loop0"})", R"({device="dm-0"})", R"({device="lo"})"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent;
  }
}

// A host with hundreds of container interfaces: 64 series of each kind, the ones that
// moved the most bytes (the host's NIC, whatever its name), ties by name, served in name
// order; names are label values (escaped); no reading, no series.
TEST(RenderPrometheus, PerDeviceSeriesAreBoundedEscapedAndOnlyFromAReading) {
  Sample sample = fixture_sample("normal");
  sample.disks.clear();
  sample.interfaces.clear();
  for (int i = 0; i < 70; ++i) {
    sample.interfaces.push_back({"veth" + std::to_string(100 + i), 1, 2});
  }
  sample.interfaces.front().name = "a\"b\\c";
  sample.interfaces.push_back({"zz-nic", 1'000'000, 5'000'000});
  const std::string text = render_prometheus(sample, AgentInfo{"so1", "v"});
  constexpr std::string_view kSeries = "\nvmpulse_network_receive_bytes_total{device=\"";
  std::vector<std::string> served;  // the device labels, as written
  for (auto at = text.find(kSeries); at != std::string::npos; at = text.find(kSeries, at + 1)) {
    const auto name = at + kSeries.size();
    served.push_back(text.substr(name, text.find("\"}", name) - name));
  }
  ASSERT_EQ(served.size(), 64u);
  EXPECT_EQ(served.front(), R"(a\"b\\c)");
  EXPECT_EQ(served[62], "veth162");
  EXPECT_EQ(served.back(), "zz-nic") << "the busiest, though last by name";
  EXPECT_TRUE(has_line(text, R"(vmpulse_network_transmit_bytes_total{device="zz-nic"} 5000000)"));
  EXPECT_EQ(text.find(R"(device="veth163")"), std::string::npos);
  EXPECT_EQ(text.find("vmpulse_disk_read_bytes_total"), std::string::npos) << "no disks read";

  // truncated: diskstats and net/dev unreadable, so nothing to count.
  const std::string failed = render_prometheus(fixture_sample("truncated"), AgentInfo{"so1", "v"});
  EXPECT_EQ(failed.find("_bytes_total"), std::string::npos);
}

TEST(RenderJson, Version2FieldsAsExpected) {
  const Sample sample = second_rates_sample(::testing::TempDir() + "/snapshot-rates-json");
  expect_file(to_json(sample.record) + "\n", "rates-1.json");
}

// The sources the one-sample fixtures of tests/suites/20-agent.sh leave out: rates
// (disk_io, network) and procesos_top need a second reading. Paths say @DIR@.
TEST(RenderSources, RatesAndProcessTopAsExpected) {
  const std::string dir = ::testing::TempDir() + "/snapshot-rates-sources";
  std::string text = render_sources(second_rates_sample(dir));
  for (auto at = text.find(dir); at != std::string::npos; at = text.find(dir, at)) {
    text.replace(at, dir.size(), "@DIR@");
  }
  expect_file(text, "rates-1.sources.json");
}

// The record is encoded once a sample: the pusher gets the bytes GET /metrics serves.
TEST(Sampler, PushesTheBytesItServes) {
  SnapshotStore store;
  std::string pushed_vm;
  std::string pushed;
  Sampler sampler(Collector({testing::fixture("normal"), "so1", "fixture-vm",
                             Clock{parse_utc("2026-01-02 03:04:05")}}),
                  std::chrono::seconds(1), store, AgentInfo{"so1", "v"},
                  [&](const std::string& vm, const std::string& json) {
                    pushed_vm = vm;
                    pushed = json;
                  });
  sampler.sample_once();
  ASSERT_NE(store.latest(), nullptr);
  EXPECT_EQ(pushed_vm, "fixture-vm");
  EXPECT_EQ(pushed, store.latest()->json);
  EXPECT_EQ(pushed, to_json(store.latest()->sample.record));
}

TEST(SnapshotStore, PublishReplacesWhatReadersGetNext) {
  SnapshotStore store;
  EXPECT_EQ(store.latest(), nullptr);
  Sample normal = fixture_sample("normal");
  std::string json = to_json(normal.record);
  auto first = render_snapshot(std::move(normal), std::move(json), AgentInfo{"so1", "v"});
  store.publish(first);
  const auto held = store.latest();
  Sample module = fixture_sample("module");
  json = to_json(module.record);
  store.publish(render_snapshot(std::move(module), json, AgentInfo{"so1", "v"}, "extra 1\n"));
  EXPECT_EQ(held, first);  // a reader's snapshot stays valid
  EXPECT_EQ(store.latest()->sample.record.total_ram, 2048);
  EXPECT_TRUE(store.latest()->prometheus.ends_with("\nextra 1\n"));
}

}  // namespace
}  // namespace vmpulse::agent
