#include "device_rates.hpp"

#include <gtest/gtest.h>

#include "disk_io_source.hpp"
#include "net_source.hpp"
#include "test_support.hpp"

namespace vmpulse::agent {
namespace {

TEST(CounterDelta, GrowthWrapAndReset) {
  EXPECT_EQ(counter_delta(100, 150), 50u);
  EXPECT_EQ(counter_delta(0xFFFFFFF0u, 0x10), 0x20u);  // 32-bit wrap
  EXPECT_EQ(counter_delta(10'000'000'000ull, 5), 0u);  // 64-bit value went back: reset
}

TEST(DeviceRates, FirstReadingHasNoRateThenSumsCommonDevices) {
  DeviceRates rates(1);
  std::vector<DeviceCounters> now = {{"b", 1000, 0}, {"a", 0, 2048}, {"gone", 0, 0}};
  EXPECT_EQ(rates.update(now, 10.0), std::nullopt);
  now = {{"a", 1024, 4096}, {"new", 999999, 999999}, {"b", 3048, 0}};
  EXPECT_EQ(rates.update(now, 12.0), (Throughput{1.5, 1.0}));  // 3072 B and 2048 B in 2 s
  now = {{"a", 1024, 4096}, {"new", 999999, 1023999}, {"b", 3048, 0}};
  EXPECT_EQ(rates.update(now, 12.0), std::nullopt) << "no time elapsed";
  now = {{"a", 1024, 4096}, {"new", 999999, 1023999}, {"b", 3048, 0}};
  EXPECT_EQ(rates.update(now, 13.0), (Throughput{0.0, 0.0}));
  rates.reset();
  EXPECT_EQ(rates.update(now, 14.0), std::nullopt);
}

TEST(ParseDiskstats, ReadsSectorsOfEveryRow) {
  std::vector<DeviceCounters> devices;
  auto count = parse_diskstats(
      "   8       0 sda 1 2 300 4 5 6 700 8 9 10 11\n 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11\n",
      devices);
  ASSERT_TRUE(std::holds_alternative<std::size_t>(count));
  EXPECT_EQ(devices, (std::vector<DeviceCounters>{{"sda", 300, 700}, {"nvme0n1", 3, 7}}));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_diskstats("8 0 sda 1 2\n", devices)));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_diskstats("8 0 sda 1 2 x 4 5 6 7\n", devices)));
}

TEST(CountedDiskName, LeavesOutStackedAndMemoryDevices) {
  for (const char* name : {"sda", "vda", "nvme0n1", "xvda", "mmcblk0", "sr0"}) {
    EXPECT_TRUE(counted_disk_name(name)) << name;
  }
  for (const char* name : {"loop0", "ram1", "zram0", "dm-0", "md127", ""}) {
    EXPECT_FALSE(counted_disk_name(name)) << name;
  }
}

TEST(DiskIoReader, NeedsSysfsToTellDisksFromPartitions) {
  DiskIoReader reader(testing::fixture("normal") + "/diskstats", "/nonexistent/sys/block");
  auto got = reader.read(1.0);
  ASSERT_TRUE(std::holds_alternative<Failure>(got));
  EXPECT_NE(std::get<Failure>(got).message.find("cannot tell disks from partitions"),
            std::string::npos);
}

TEST(ParseNetDev, ReadsEveryInterfaceButLo) {
  std::vector<DeviceCounters> interfaces;
  auto count = parse_net_dev(
      "Inter-|   Receive\n face |bytes\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n"
      "  eth0: 1000 9 0 0 0 0 0 0 500 8 0 0 0 0 0 0\n"
      "veth12345678:7 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n",
      interfaces);
  ASSERT_TRUE(std::holds_alternative<std::size_t>(count));
  EXPECT_EQ(interfaces, (std::vector<DeviceCounters>{{"eth0", 1000, 500}, {"veth12345678", 7, 9}}));
}

TEST(ParseNetDev, RejectsGarbledRows) {
  std::vector<DeviceCounters> interfaces;
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_net_dev("h\nh\n  eth0: 1 2 3\n", interfaces)));
  EXPECT_TRUE(std::holds_alternative<Failure>(parse_net_dev("h\nh\n  eth0 1 2 3\n", interfaces)));
  EXPECT_TRUE(std::holds_alternative<Failure>(
      parse_net_dev("h\nh\n eth0: 1 2 3 4 5 6 7 8 x 1\n", interfaces)));
}

TEST(NetReader, RealFileGivesARateOnTheSecondRead) {
  NetReader reader("/proc/net/dev");
  auto first = reader.read(1.0);
  ASSERT_TRUE(std::holds_alternative<std::optional<Throughput>>(first));
  EXPECT_EQ(std::get<std::optional<Throughput>>(first), std::nullopt);
  auto second = reader.read(2.0);
  ASSERT_TRUE(std::holds_alternative<std::optional<Throughput>>(second));
  EXPECT_TRUE(std::get<std::optional<Throughput>>(second).has_value());
}

}  // namespace
}  // namespace vmpulse::agent
