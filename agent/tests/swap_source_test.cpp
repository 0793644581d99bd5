#include "swap_source.hpp"

#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include "disk_space_source.hpp"
#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

TEST(ParseSwap, ReadsSwapTotalAndFreeInMiB) {
  auto swap = parse_swap("MemTotal: 100 kB\nSwapTotal:       2097152 kB\nSwapFree:  1572865 kB\n");
  ASSERT_TRUE(std::holds_alternative<Swap>(swap));
  EXPECT_EQ(std::get<Swap>(swap), (Swap{2048, 1536}));
}

TEST(ParseSwap, NoSwapIsZero) {
  auto swap = parse_swap("SwapTotal:             0 kB\nSwapFree:              0 kB\n");
  ASSERT_TRUE(std::holds_alternative<Swap>(swap));
  EXPECT_EQ(std::get<Swap>(swap), (Swap{0, 0}));
}

TEST(ParseSwap, RejectsMissingOrGarbledLines) {
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_swap("MemTotal: 100 kB\n")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_swap("SwapTotal: lots kB\nSwapFree: 1 kB\n")));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_swap("SwapTotal: 1 MB\nSwapFree: 1 kB\n")));
}

TEST(SwapReader, ReadsTheFixture) {
  auto swap = SwapReader(testing::fixture("normal") + "/meminfo").read();
  ASSERT_TRUE(std::holds_alternative<Swap>(swap));
  EXPECT_EQ(std::get<Swap>(swap), (Swap{2048, 1536}));
}

TEST(DiskSpace, ScalesBlocksToMiB) {
  EXPECT_EQ(disk_space_from(4096, 2621440, 1310720), (DiskSpace{10240, 5120}));
  EXPECT_EQ(disk_space_from(512, 3, 1), (DiskSpace{0, 0}));
  // 16 EiB of 64 KiB blocks would overflow a naive product.
  EXPECT_EQ(disk_space_from(65536, 1ull << 44, 1ull << 43),
            (DiskSpace{std::int64_t{1} << 40, std::int64_t{1} << 39}));
}

TEST(DiskSpace, TheRealRootAgreesWithStatvfs) {
  auto space = DiskSpaceReader("/").read();
  ASSERT_TRUE(std::holds_alternative<DiskSpace>(space));
  struct statvfs fs {};
  ASSERT_EQ(::statvfs("/", &fs), 0);
  EXPECT_EQ(std::get<DiskSpace>(space).total_mib,
            static_cast<std::int64_t>(fs.f_blocks * fs.f_frsize / (1024 * 1024)));
}

TEST(DiskSpace, AMissingPathIsAClearError) {
  auto space = DiskSpaceReader("/nonexistent/root").read();
  ASSERT_TRUE(std::holds_alternative<Failure>(space));
  EXPECT_EQ(std::get<Failure>(space).message,
            "statvfs /nonexistent/root: No such file or directory");
}

}  // namespace
}  // namespace vmpulse::agent
