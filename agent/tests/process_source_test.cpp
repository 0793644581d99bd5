#include "process_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseProcessState, ReadsTheLetterAfterTheCommand) {
  EXPECT_EQ(parse_process_state("1 (systemd) S 0 1 1 0 -1"), 'S');
  EXPECT_EQ(parse_process_state("812 (stress-ng) R 1 812\n"), 'R');
  EXPECT_EQ(parse_process_state("9 (x) Z"), 'Z');
}

TEST(ParseProcessState, CommandsMayHoldParenthesesAndSpaces) {
  EXPECT_EQ(parse_process_state("10 (a) b (c) T 1 2 3"), 'T');
  EXPECT_EQ(parse_process_state("11 () R () t 1 2"), 't');
  EXPECT_EQ(parse_process_state("12 (my prog) D 1"), 'D');
}

TEST(ParseProcessState, TruncatedOrGarbledTextHasNoState) {
  EXPECT_EQ(parse_process_state(""), '\0');
  EXPECT_EQ(parse_process_state("3 (cut"), '\0');
  EXPECT_EQ(parse_process_state("5 (bad) "), '\0');
  EXPECT_EQ(parse_process_state("5 (bad)S 1"), '\0');
  EXPECT_EQ(parse_process_state("5 (bad) SS 1"), '\0');
  EXPECT_EQ(parse_process_state(std::string_view("\0\1\2 binary", 10)), '\0');
}

TEST(CountProcessState, MapsEveryLetter) {
  ProcessCounts counts;
  for (const char state : std::string_view("RSDIZTtXWPKx")) {
    count_process_state(counts, state);
  }
  EXPECT_EQ(counts, (ProcessCounts{1, 3, 1, 2, 12}));
}

TEST(ScanProcesses, CountsTheNormalFixture) {
  auto scan = scan_processes(testing::fixture("normal").c_str());
  ASSERT_TRUE(std::holds_alternative<ProcessScan>(scan));
  const ProcessScan& result = std::get<ProcessScan>(scan);
  EXPECT_EQ(result.counts, (ProcessCounts{1, 4, 1, 0, 6}));  // "self" is not a process
  EXPECT_EQ(result.malformed, 0u);
}

TEST(ScanProcesses, CountsManyProcessesInEveryState) {
  auto scan = scan_processes(testing::fixture("many").c_str());
  ASSERT_TRUE(std::holds_alternative<ProcessScan>(scan));
  EXPECT_EQ(std::get<ProcessScan>(scan).counts, (ProcessCounts{9, 164, 11, 10, 200}));
}

TEST(ScanProcesses, SkipsAndReportsMalformedFiles) {
  auto scan = scan_processes(testing::fixture("truncated").c_str());
  ASSERT_TRUE(std::holds_alternative<ProcessScan>(scan));
  const ProcessScan& result = std::get<ProcessScan>(scan);
  EXPECT_EQ(result.counts, (ProcessCounts{1, 1, 0, 0, 2}));
  EXPECT_EQ(result.malformed,
            3u);  // "3 (cut", an empty file, "5 (bad) "; 6/ has no stat: it exited
  EXPECT_EQ(result.first_malformed, "3/stat");  // the lowest pid, whatever the readdir order
}

TEST(ScanProcesses, AMissingDirectoryFails) {
  auto scan = scan_processes("/nonexistent/proc");
  ASSERT_TRUE(std::holds_alternative<Failure>(scan));
  EXPECT_TRUE(std::get<Failure>(scan).missing);
}

TEST(ScanProcesses, SeesThisProcessOnTheRealProc) {
  auto scan = scan_processes("/proc");
  ASSERT_TRUE(std::holds_alternative<ProcessScan>(scan));
  const ProcessCounts& counts = std::get<ProcessScan>(scan).counts;
  EXPECT_GE(counts.running, 1);  // this test
  EXPECT_GE(counts.total, counts.running + counts.sleeping + counts.zombie + counts.stopped);
}

}  // namespace
}  // namespace vmpulse::agent
