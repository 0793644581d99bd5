#include "module_source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

std::string message_of(const auto& result) {
  return std::holds_alternative<Failure>(result) ? std::get<Failure>(result).message
                                                 : std::string("(no failure)");
}

TEST(ParseModuleCpu, ReadsWhatTheKernelModulePrints) {
  // kernel/cpu.c's format, with its window and counters that the agent ignores.
  auto usage = parse_module_cpu(
      R"({"porcentaje_cpu_uso":12.34,"porcentaje_cpu_libre":87.66,"ventana_ms":1000,"cpus":2,"total_ns":2000000000,"libre_ns":1753200000})"
      "\n");
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(usage)) << message_of(usage);
  EXPECT_EQ(std::get<CpuUsage>(usage), (CpuUsage{12.34, 87.66}));
}

TEST(ParseModuleCpu, RestatesFreeAsTheComplement) {
  auto usage = parse_module_cpu(R"({"porcentaje_cpu_uso": 10.5, "porcentaje_cpu_libre": 90})");
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(usage));
  EXPECT_EQ(std::get<CpuUsage>(usage), (CpuUsage{10.5, 89.5}));
}

TEST(ParseModuleCpu, RejectsSharesThatDoNotAddUp) {
  EXPECT_NE(
      message_of(parse_module_cpu(R"({"porcentaje_cpu_uso": 37.5, "porcentaje_cpu_libre": 12.5})"))
          .find("not 100"),
      std::string::npos);
}

TEST(ParseModuleCpu, RejectsMissingOutOfRangeAndWrongTypes) {
  EXPECT_NE(message_of(parse_module_cpu(R"({"porcentaje_cpu_uso": 37.5})"))
                .find("no field porcentaje_cpu_libre"),
            std::string::npos);
  EXPECT_NE(message_of(
                parse_module_cpu(R"({"porcentaje_cpu_uso": 137.5, "porcentaje_cpu_libre": -37.5})"))
                .find("outside 0-100"),
            std::string::npos);
  EXPECT_NE(
      message_of(parse_module_cpu(R"({"porcentaje_cpu_uso": "50", "porcentaje_cpu_libre": 50})"))
          .find("not a number"),
      std::string::npos);
}

TEST(ParseModuleCpu, RejectsTextThatIsNotAnObject) {
  EXPECT_EQ(message_of(parse_module_cpu("")), "not valid JSON");
  EXPECT_EQ(message_of(parse_module_cpu(R"({"porcentaje_cpu_uso": 1)")), "not valid JSON");
  EXPECT_EQ(message_of(parse_module_cpu("[1, 2]")), "not a JSON object");
  EXPECT_EQ(message_of(parse_module_cpu("{\"porcentaje_cpu_uso\": NaN}")), "not valid JSON");
}

TEST(ParseModuleRam, ReadsWhatTheKernelModulePrints) {
  auto memory = parse_module_ram(
      R"({"total_ram":7976,"ram_libre":6144,"uso_ram":1832,"porcentaje_ram":22.97})");
  ASSERT_TRUE(std::holds_alternative<Memory>(memory)) << message_of(memory);
  EXPECT_EQ(std::get<Memory>(memory), (Memory{7976, 6144, 1832, 22.97}));
}

TEST(ParseModuleRam, RejectsBrokenCrossFieldRules) {
  EXPECT_NE(message_of(parse_module_ram(
                           R"({"total_ram":100,"ram_libre":200,"uso_ram":0,"porcentaje_ram":0})"))
                .find("ram_libre is greater"),
            std::string::npos);
  EXPECT_NE(message_of(parse_module_ram(
                           R"({"total_ram":100,"ram_libre":0,"uso_ram":200,"porcentaje_ram":0})"))
                .find("uso_ram is greater"),
            std::string::npos);
  // The specification's own example had ram_libre in bytes: a unit mix-up, rejected.
  EXPECT_NE(
      message_of(parse_module_ram(
                     R"({"total_ram":2072,"ram_libre":1000,"uso_ram":962,"porcentaje_ram":46})"))
          .find("is not total_ram"),
      std::string::npos);
}

TEST(ParseModuleRam, RejectsNegativeFractionalAndMissingFields) {
  EXPECT_NE(message_of(parse_module_ram(
                           R"({"total_ram":-1,"ram_libre":0,"uso_ram":0,"porcentaje_ram":0})"))
                .find("negative"),
            std::string::npos);
  EXPECT_NE(message_of(parse_module_ram(
                           R"({"total_ram":1.5,"ram_libre":0,"uso_ram":0,"porcentaje_ram":0})"))
                .find("not an integer"),
            std::string::npos);
  EXPECT_NE(message_of(parse_module_ram(R"({"total_ram":2048,"ram_libre":1536,"uso_ram":512})"))
                .find("porcentaje_ram"),
            std::string::npos);
}

TEST(ParseModuleProcesos, ReadsWhatTheKernelModulePrints) {
  auto counts = parse_module_counts(
      R"({"procesos_corriendo":3,"total_procesos":120,"procesos_durmiendo":110,"procesos_zombie":1,"procesos_parados":2})");
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(counts)) << message_of(counts);
  EXPECT_EQ(std::get<ProcessCounts>(counts), (ProcessCounts{3, 110, 1, 2, 120}));
}

TEST(ParseModuleProcesos, RejectsAStateAboveTheTotal) {
  EXPECT_NE(
      message_of(
          parse_module_counts(
              R"({"procesos_corriendo":3,"total_procesos":2,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":0})"))
          .find("procesos_corriendo is greater than total_procesos"),
      std::string::npos);
}

TEST(ParseModuleProcesos, RejectsNegativeAndHugeCounts) {
  EXPECT_NE(
      message_of(
          parse_module_counts(
              R"({"procesos_corriendo":0,"total_procesos":2,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":-1})"))
          .find("procesos_parados is negative"),
      std::string::npos);
  EXPECT_NE(
      message_of(
          parse_module_counts(
              R"({"procesos_corriendo":0,"total_procesos":4294967296,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":0})"))
          .find("too large"),
      std::string::npos);
}

TEST(ModuleReader, ReadsTheModuleFixture) {
  ModuleReader reader(testing::fixture("module"), "so1");
  auto cpu = reader.read_cpu();
  ASSERT_TRUE(std::holds_alternative<CpuUsage>(cpu)) << message_of(cpu);
  EXPECT_EQ(std::get<CpuUsage>(cpu), (CpuUsage{37.5, 62.5}));
  auto ram = reader.read_ram();
  ASSERT_TRUE(std::holds_alternative<Memory>(ram)) << message_of(ram);
  EXPECT_EQ(std::get<Memory>(ram), (Memory{2048, 1536, 512, 25.0}));
  auto procesos = reader.read_counts();
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(procesos)) << message_of(procesos);
  EXPECT_EQ(std::get<ProcessCounts>(procesos), (ProcessCounts{3, 110, 1, 2, 120}));
}

TEST(ModuleReader, NamesTheFileOfAMalformedModule) {
  ModuleReader reader(testing::fixture("module-malformed"), "so1");
  EXPECT_NE(message_of(reader.read_cpu()).find("module-malformed/cpu_so1: "), std::string::npos);
  EXPECT_NE(message_of(reader.read_ram()).find("module-malformed/ram_so1: not valid JSON"),
            std::string::npos);
  EXPECT_NE(message_of(reader.read_counts()).find("procesos_so1: procesos_parados is negative"),
            std::string::npos);
}

// What kernel/procesos.c prints: the list first, then the counts of the same walk.
constexpr const char* kCounts =
    R"("procesos_corriendo":1,"total_procesos":3,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":1})";

std::string processes_file(const std::string& tareas, const char* counts = kCounts) {
  return R"({"tareas":)" + tareas + "," + counts;
}

TEST(ParseModuleTasks, ReadsWhatTheKernelModulePrints) {
  auto tasks = parse_module_tasks(processes_file(
      R"([[1,"S",812345,10240,120000000,"init"],[42,"R",18446744073709551615,4,9876543210,"busy"],[43,"T",0,0,1,"stopped"]])"));
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  const auto& list = std::get<std::vector<TaskSample>>(tasks);
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(list[0].pid, 1);
  EXPECT_EQ(list[0].state, 'S');
  EXPECT_EQ(list[0].comm, "init");
  EXPECT_EQ(list[0].cpu_time_us, 812345U);
  EXPECT_EQ(list[0].rss_kib, 10240U);
  EXPECT_EQ(list[0].start_time, 120000000U);
  EXPECT_EQ(list[1].cpu_time_us, 18446744073709551615U);
  EXPECT_EQ(list[2].state, 'T');
}

TEST(ParseModuleTasks, KeepsSpacesAndParenthesesInTheName) {
  // The case /proc/<pid>/stat parsers get wrong: "(" and ")" inside the name.
  auto tasks = parse_module_tasks(
      processes_file(R"([[7,"S",1,2,3,"a b) (c"],[8,"R",1,2,3,") S 1 "],[9,"T",1,2,3," "]])"));
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  const auto& list = std::get<std::vector<TaskSample>>(tasks);
  EXPECT_EQ(list[0].comm, "a b) (c");
  EXPECT_EQ(list[1].comm, ") S 1 ");
  EXPECT_EQ(list[2].comm, " ");
}

TEST(ParseModuleTasks, TurnsEscapesBackIntoTheKernelsBytes) {
  // The module writes '"' and '\' escaped and every other byte outside 0x20..0x7e as
  // \u00XX: each becomes the single byte it was, not its UTF-8 encoding.
  auto tasks = parse_module_tasks(processes_file(
      R"([[7,"S",1,2,3,"q\"b\\s\u0001\u007f\u00e9\u00ff"],[8,"R",1,2,3,""],[9,"T",1,2,3,"\t/"]])"));
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  const auto& list = std::get<std::vector<TaskSample>>(tasks);
  EXPECT_EQ(list[0].comm, std::string("q\"b\\s\x01\x7f\xe9\xff"));
  EXPECT_EQ(list[1].comm, "");
  EXPECT_EQ(list[2].comm, "\t/");
}

TEST(ParseModuleTasks, AcceptsAnEmptyList) {
  auto tasks = parse_module_tasks(processes_file(
      "[]",
      R"("procesos_corriendo":0,"total_procesos":0,"procesos_durmiendo":0,"procesos_zombie":0,"procesos_parados":0})"));
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  EXPECT_TRUE(std::get<std::vector<TaskSample>>(tasks).empty());
}

TEST(ParseModuleTasks, RejectsMalformedEntriesNamingTheEntry) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([[1,"S",1,2,3,"a"],[2,"R",1,2,3],[3,"T",1,2,3,"c"]])",
       "tareas[1]: is not an array of 6 values"},
      {R"([[0,"S",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "tareas[0]: pid is not an integer in 1..2^31-1"},
      {R"([[-4,"S",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])", "pid is not an integer"},
      {R"([[2147483648,"S",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "pid is not an integer"},
      {R"([["1","S",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])", "pid is not an integer"},
      {R"([[1,"SR",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "tareas[0]: state is not one letter"},
      {R"([[1,"",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])", "state is not one letter"},
      {R"([[1,83,1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])", "state is not one letter"},
      {R"([[1,"S",1,2,3,"a"],[2,"R",-1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "tareas[1]: cpu_time_us is not an unsigned integer"},
      {R"([[1,"S",1,2.5,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "rss_kib is not an unsigned integer"},
      {R"([[1,"S",1,2,1e3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "start_time is not an unsigned integer"},
      {R"([[1,"S",1,2,18446744073709551616,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "start_time is not an unsigned integer"},
      {R"([[1,"S",1,2,3,null],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "tareas[0]: comm is not a string"},
      {R"([[1,"S",1,2,3,"a\u0000b"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "comm holds a NUL byte"},
      {R"([[1,"S",1,2,3,"0123456789012345678901234567890123456789012345678901234567890123X"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])",
       "comm is longer than 64 bytes"},
      {R"([[1,"S",1,2,3,"a"],{"pid":2},[3,"T",1,2,3,"c"]])", "tareas[1]: is not an array"},
      {R"({"1":[1,"S",1,2,3,"a"]})", "tareas is not an array"},
  };
  for (const auto& [tareas, want] : cases) {
    const std::string text = message_of(parse_module_tasks(processes_file(tareas)));
    EXPECT_NE(text.find(want), std::string::npos) << tareas << " -> " << text;
  }
}

TEST(ParseModuleTasks, AcceptsTheLongestNameTheKernelCanHaveEscaped) {
  // 15 bytes (TASK_COMM_LEN - 1), each escaped: 90 characters, 15 bytes, 64 allowed.
  std::string escaped;
  for (int i = 0; i < 15; ++i) {
    escaped += "\\u00ff";
  }
  auto tasks = parse_module_tasks(processes_file(R"([[1,"S",1,2,3,")" + escaped +
                                                 R"("],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"]])"));
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  EXPECT_EQ(std::get<std::vector<TaskSample>>(tasks)[0].comm, std::string(15, '\xff'));
}

TEST(ParseModuleTasks, RejectsAListThatDoesNotTallyWithTheCounts) {
  // One process too many, then the right number in the wrong states.
  EXPECT_NE(
      message_of(
          parse_module_tasks(processes_file(
              R"([[1,"S",1,2,3,"a"],[2,"R",1,2,3,"b"],[3,"T",1,2,3,"c"],[4,"S",1,2,3,"d"]])")))
          .find("tareas tally to 4 (R 1, S 2, Z 0, T 1) but the counts say 3 (R 1, S 1, Z 0, T 1)"),
      std::string::npos);
  EXPECT_NE(message_of(parse_module_tasks(processes_file(
                           R"([[1,"S",1,2,3,"a"],[2,"S",1,2,3,"b"],[3,"T",1,2,3,"c"]])")))
                .find("tareas tally to"),
            std::string::npos);
}

TEST(ParseModuleTasks, RejectsAFileWithoutTheListOrTheCounts) {
  EXPECT_NE(
      message_of(
          parse_module_tasks(
              R"({"procesos_corriendo":0,"total_procesos":0,"procesos_durmiendo":0,"procesos_zombie":0,"procesos_parados":0})"))
          .find("no field tareas"),
      std::string::npos);
  EXPECT_NE(message_of(parse_module_tasks(R"({"tareas":[]})")).find("no field procesos_corriendo"),
            std::string::npos);
  EXPECT_EQ(message_of(parse_module_tasks(R"({"tareas":[[1,"S",1,2,3,"a"])")), "not valid JSON");
  EXPECT_EQ(message_of(parse_module_tasks("[[1,\"S\",1,2,3,\"a\"]]")), "not a JSON object");
  // Raw bytes that are not UTF-8: the module escapes them, so this is not its file.
  EXPECT_EQ(message_of(parse_module_tasks(processes_file("[[1,\"S\",1,2,3,\"\xe9\"]]"))),
            "not valid JSON");
}

TEST(ParseModuleProcesses, GivesTheCountsAndTheListOfOneRead) {
  auto processes = parse_module_processes(processes_file(
      R"([[1,"S",812345,10240,120000000,"init"],[2,"R",0,0,1,"a"],[3,"t",0,0,1,"b"]])"));
  ASSERT_TRUE(std::holds_alternative<ModuleProcesses>(processes)) << message_of(processes);
  EXPECT_EQ(std::get<ModuleProcesses>(processes).counts, (ProcessCounts{1, 1, 0, 1, 3}));
  EXPECT_EQ(std::get<ModuleProcesses>(processes).tasks.size(), 3U);
}

TEST(ModuleReader, ReadsTheTasksFixture) {
  ModuleReader reader(testing::fixture("module-tasks"), "so1");
  auto tasks = reader.read_tasks();
  ASSERT_TRUE(std::holds_alternative<std::vector<TaskSample>>(tasks)) << message_of(tasks);
  const auto& list = std::get<std::vector<TaskSample>>(tasks);
  ASSERT_EQ(list.size(), 4U);
  EXPECT_EQ(list[2].pid, 77);
  EXPECT_EQ(list[2].comm, "sh -c \"x\" (1)");
  EXPECT_EQ(list[2].cpu_time_us, 5000123U);
  auto counts = reader.read_counts();
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(counts)) << message_of(counts);
  EXPECT_EQ(std::get<ProcessCounts>(counts), (ProcessCounts{1, 2, 1, 0, 4}));
}

TEST(ModuleReader, ReadsAProcessListLargerThanTheSmallFilesLimit) {
  // 5,000 processes are ~250 KiB: past the 64 KiB that bounds cpu_<id> and ram_<id>.
  const std::string dir = ::testing::TempDir() + "/module-tasks-large";
  std::filesystem::create_directories(dir);
  std::string tareas = "[";
  for (int pid = 1; pid <= 5000; ++pid) {
    tareas += (pid == 1 ? "" : ",") + std::string("[") + std::to_string(pid) +
              R"(,"S",123456789,65536,987654321012,"worker process")" + "]";
  }
  tareas += "]";
  std::ofstream(dir + "/procesos_so1")
      << processes_file(
             tareas,
             R"("procesos_corriendo":0,"total_procesos":5000,"procesos_durmiendo":5000,"procesos_zombie":0,"procesos_parados":0})")
      << "\n";
  ModuleReader reader(dir, "so1");
  auto processes = reader.read_processes();
  ASSERT_TRUE(std::holds_alternative<ModuleProcesses>(processes)) << message_of(processes);
  EXPECT_EQ(std::get<ModuleProcesses>(processes).tasks.size(), 5000U);
  EXPECT_EQ(std::get<ModuleProcesses>(processes).tasks.back().pid, 5000);
  auto counts = reader.read_counts();
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(counts)) << message_of(counts);
  EXPECT_EQ(std::get<ProcessCounts>(counts).total, 5000);
  std::filesystem::remove_all(dir);
}

TEST(ModuleReader, NamesTheFileOfAnOldModuleWithoutTheList) {
  ModuleReader reader(testing::fixture("module"), "so1");
  EXPECT_NE(message_of(reader.read_tasks()).find("module/procesos_so1: no field tareas"),
            std::string::npos);
  auto missing = ModuleReader(testing::fixture("normal"), "so1").read_tasks();
  ASSERT_TRUE(std::holds_alternative<Failure>(missing));
  EXPECT_TRUE(std::get<Failure>(missing).missing);
}

TEST(ModuleReader, AModuleThatIsNotLoadedIsMissing) {
  ModuleReader reader(testing::fixture("normal"), "so1");
  auto cpu = reader.read_cpu();
  ASSERT_TRUE(std::holds_alternative<Failure>(cpu));
  EXPECT_TRUE(std::get<Failure>(cpu).missing);
}

}  // namespace
}  // namespace vmpulse::agent
