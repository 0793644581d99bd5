#include "vmpulse/detail/program.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

namespace vmpulse::detail {
namespace {

struct TestOptions {
  std::string log_level = "off";
  std::string log_format;
  bool help = false;
  int code = 0;
};

// argv as main() gets it: the program's name, then the flags.
struct Argv {
  std::array<char, 5> name{"prog"};
  std::array<char, 6> flag{"--run"};
  std::array<char*, 2> argv{name.data(), flag.data()};
};

std::string usage() { return "usage: prog\n"; }

TestOptions exiting_with(int code) {
  TestOptions options;
  options.code = code;
  return options;
}

TEST(RunLogged, RunsTheProgramWithTheParsedOptionsAndReturnsItsCode) {
  Argv args;
  std::vector<std::string> seen;
  const int code = run_logged(
      "prog", 2, args.argv.data(),
      [&seen](const std::vector<std::string>& flags) -> Parsed<TestOptions> {
        seen = flags;
        return exiting_with(7);
      },
      [](const TestOptions& options) { return options.code; });
  EXPECT_EQ(code, 7);
  EXPECT_EQ(seen, std::vector<std::string>{"--run"}) << "argv[0] is not a flag";
}

TEST(RunLogged, AnExitFromTheParserEndsWithoutRunning) {
  Argv args;
  bool ran = false;
  auto run = [&ran](const TestOptions&) {
    ran = true;
    return 0;
  };
  EXPECT_EQ(run_logged(
                "prog", 2, args.argv.data(),
                [](const std::vector<std::string>&) -> Parsed<TestOptions> {
                  return refuse("prog", "--run is not a flag");
                },
                run),
            2);
  EXPECT_EQ(run_logged(
                "prog", 2, args.argv.data(),
                [](const std::vector<std::string>&) -> Parsed<TestOptions> {
                  return ProgramExit{0, usage()};
                },
                run),
            0);
  EXPECT_FALSE(ran);
}

TEST(RunLogged, AnUnknownLogFormatIsRefusedBeforeRunning) {
  Argv args;
  bool ran = false;
  const int code = run_logged(
      "prog", 2, args.argv.data(),
      [](const std::vector<std::string>&) -> Parsed<TestOptions> {
        TestOptions options;
        options.log_format = "xml";
        return options;
      },
      [&ran](const TestOptions&) {
        ran = true;
        return 0;
      });
  EXPECT_EQ(code, 2);
  EXPECT_FALSE(ran);
}

TEST(RunLogged, AnExceptionThatEscapesTheProgramEndsInOne) {
  Argv args;
  const int code = run_logged(
      "prog", 2, args.argv.data(),
      [](const std::vector<std::string>&) -> Parsed<TestOptions> { return TestOptions{}; },
      [](const TestOptions&) -> int { throw std::runtime_error("the disk is gone"); });
  EXPECT_EQ(code, 1);
}

TEST(Refuse, NamesTheProgramOnOneLine) {
  const ProgramExit exit = refuse("vmpulse-api", "--threads: not a number");
  EXPECT_EQ(exit.code, 2);
  EXPECT_EQ(exit.message, "vmpulse-api: --threads: not a number\n");
}

TEST(WithUsage, AProblemIsRefusedHelpPrintsTheUsageOptionsPassThrough) {
  using Raw = std::variant<TestOptions, std::string>;
  const auto problem = with_usage<TestOptions>("prog", Raw{std::string("bad")}, usage);
  ASSERT_TRUE(std::holds_alternative<ProgramExit>(problem));
  EXPECT_EQ(std::get<ProgramExit>(problem).message, "prog: bad\n");

  TestOptions asks_help;
  asks_help.help = true;
  const auto help = with_usage<TestOptions>("prog", Raw{asks_help}, usage);
  ASSERT_TRUE(std::holds_alternative<ProgramExit>(help));
  EXPECT_EQ(std::get<ProgramExit>(help).code, 0);
  EXPECT_EQ(std::get<ProgramExit>(help).message, usage());

  const auto options = with_usage<TestOptions>("prog", Raw{exiting_with(3)}, usage);
  ASSERT_TRUE(std::holds_alternative<TestOptions>(options));
  EXPECT_EQ(std::get<TestOptions>(options).code, 3);
}

}  // namespace
}  // namespace vmpulse::detail
