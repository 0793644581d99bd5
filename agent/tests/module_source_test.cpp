#include "module_source.hpp"

#include <gtest/gtest.h>

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
  auto counts = parse_module_procesos(
      R"({"procesos_corriendo":3,"total_procesos":120,"procesos_durmiendo":110,"procesos_zombie":1,"procesos_parados":2})");
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(counts)) << message_of(counts);
  EXPECT_EQ(std::get<ProcessCounts>(counts), (ProcessCounts{3, 110, 1, 2, 120}));
}

TEST(ParseModuleProcesos, RejectsAStateAboveTheTotal) {
  EXPECT_NE(
      message_of(
          parse_module_procesos(
              R"({"procesos_corriendo":3,"total_procesos":2,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":0})"))
          .find("procesos_corriendo is greater than total_procesos"),
      std::string::npos);
}

TEST(ParseModuleProcesos, RejectsNegativeAndHugeCounts) {
  EXPECT_NE(
      message_of(
          parse_module_procesos(
              R"({"procesos_corriendo":0,"total_procesos":2,"procesos_durmiendo":1,"procesos_zombie":0,"procesos_parados":-1})"))
          .find("procesos_parados is negative"),
      std::string::npos);
  EXPECT_NE(
      message_of(
          parse_module_procesos(
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
  auto procesos = reader.read_procesos();
  ASSERT_TRUE(std::holds_alternative<ProcessCounts>(procesos)) << message_of(procesos);
  EXPECT_EQ(std::get<ProcessCounts>(procesos), (ProcessCounts{3, 110, 1, 2, 120}));
}

TEST(ModuleReader, NamesTheFileOfAMalformedModule) {
  ModuleReader reader(testing::fixture("module-malformed"), "so1");
  EXPECT_NE(message_of(reader.read_cpu()).find("module-malformed/cpu_so1: "), std::string::npos);
  EXPECT_NE(message_of(reader.read_ram()).find("module-malformed/ram_so1: not valid JSON"),
            std::string::npos);
  EXPECT_NE(message_of(reader.read_procesos()).find("procesos_so1: procesos_parados is negative"),
            std::string::npos);
}

TEST(ModuleReader, AModuleThatIsNotLoadedIsMissing) {
  ModuleReader reader(testing::fixture("normal"), "so1");
  auto cpu = reader.read_cpu();
  ASSERT_TRUE(std::holds_alternative<Failure>(cpu));
  EXPECT_TRUE(std::get<Failure>(cpu).missing);
}

}  // namespace
}  // namespace vmpulse::agent
