#include "process_top.hpp"

#include <gtest/gtest.h>

#include "process_source.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseTaskStat, ReadsTimesMemoryAndStart) {
  TaskSample task;
  ASSERT_TRUE(parse_task_stat(
      "42 (a) b (c) R 1 42 42 0 -1 4194560 100 0 0 0 250 50 7 7 20 0 1 0 9000 1000000 300 "
      "18446744073709551615 1 1\n",
      StatUnits{100, 4}, task));
  EXPECT_EQ(task, (TaskSample{42, 'R', "a) b (c", 3'000'000, 1200, 9000}));
}

TEST(ParseTaskStat, RejectsStatsCutBeforeRss) {
  TaskSample task;
  EXPECT_FALSE(parse_task_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5", {}, task));
  EXPECT_FALSE(parse_task_stat("1 (x S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 2", {}, task));
  EXPECT_FALSE(parse_task_stat("1 (x) 7 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 2", {}, task));
  EXPECT_TRUE(parse_task_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 1 2", {}, task));
}

TEST(SanitiseProcessName, PrintableAsciiAtMost64BytesNeverEmpty) {
  EXPECT_EQ(sanitise_process_name("nginx: worker"), "nginx: worker");
  EXPECT_EQ(sanitise_process_name("a\tb\x7f\xc3\xa9"), "a?b???");
  EXPECT_EQ(sanitise_process_name(""), "?");
  EXPECT_EQ(sanitise_process_name(std::string(80, 'k')), std::string(64, 'k'));
}

TaskSample task(std::int64_t pid, std::uint64_t cpu_us, std::uint64_t rss_kib,
                std::uint64_t start = 1) {
  return TaskSample{pid, 'S', "p" + std::to_string(pid), cpu_us, rss_kib, start};
}

TEST(ProcessTop, NeedsTwoScansAndAGrowingCpuTotal) {
  ProcessTop top(3);
  std::vector<TaskSample> tasks = {task(1, 0, 10)};
  EXPECT_EQ(top.update(tasks, 1'000'000), std::nullopt);
  tasks = {task(1, 0, 10)};
  EXPECT_EQ(top.update(tasks, 1'000'000), std::nullopt) << "no CPU time elapsed";
  tasks = {task(1, 0, 10)};
  EXPECT_EQ(top.update(tasks, std::nullopt), std::nullopt);
  tasks = {task(1, 0, 10)};
  EXPECT_EQ(top.update(tasks, 2'000'000), std::nullopt) << "restarts after an unknown total";
}

TEST(ProcessTop, SharesOfAllCpusTiesToTheLowerPidAndTheContractCap) {
  ProcessTop top(50);
  std::vector<TaskSample> tasks;
  for (std::int64_t pid = 1; pid <= 120; ++pid) {
    tasks.push_back(task(pid, 0, static_cast<std::uint64_t>(pid)));
  }
  top.update(tasks, 0);
  for (auto& t : tasks) {
    t.cpu_time_us = t.pid <= 30 ? 10'000 : 0;  // 30 busy at 1 %, 90 idle
  }
  const auto list = top.update(tasks, 1'000'000);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 50u);
  EXPECT_EQ((*list)[0].pid, 1);
  EXPECT_EQ((*list)[0].porcentaje_cpu, 1.0);
  EXPECT_EQ((*list)[29].pid, 30);
  EXPECT_EQ((*list)[30].pid, 120) << "then the largest RSS";
  EXPECT_EQ((*list)[30].porcentaje_cpu, 0.0);
  EXPECT_EQ((*list)[49].pid, 101);
}

TEST(ProcessTop, ACounterThatWentBackCountsNothing) {
  ProcessTop top(5);
  std::vector<TaskSample> tasks = {task(7, 500, 0)};
  top.update(tasks, 0);
  tasks = {task(7, 100, 4)};
  const auto list = top.update(tasks, 1000);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].porcentaje_cpu, 0.0);
}

TEST(ScanProcesses, FillsTasksFromTheFixtureAndReusesThem) {
  std::vector<TaskSample> tasks;
  auto scan = scan_processes(VMPULSE_AGENT_FIXTURES "/procfs/many", &tasks, StatUnits{100, 4});
  ASSERT_TRUE(std::holds_alternative<ProcessScan>(scan));
  EXPECT_EQ(std::get<ProcessScan>(scan).counts.total, 200);
  EXPECT_EQ(tasks.size(), 200u);
  for (const TaskSample& t : tasks) {
    EXPECT_EQ(t.cpu_time_us, 50'000u);  // 3 + 2 ticks
    EXPECT_EQ(t.rss_kib, 800u);         // 200 pages
    EXPECT_EQ(t.start_time, static_cast<std::uint64_t>(t.pid) * 10);
  }
  scan = scan_processes(VMPULSE_AGENT_FIXTURES "/procfs/normal", &tasks, StatUnits{100, 4});
  EXPECT_EQ(tasks.size(), 6u);
}

}  // namespace
}  // namespace vmpulse::agent
