#include "fleet_model.hpp"

#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "vmpulse/contract.hpp"

namespace vmpulse::fleet {
namespace {

const auto kStart = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};

// Every sample of 200 VMs over an hour passes the contract's checks (the route would
// answer 400 otherwise, and the bench would count lost rows that the route never got).
TEST(FleetModel, SamplesAreValidRecords) {
  for (std::size_t vm = 0; vm < 200; ++vm) {
    std::string body = "[";
    for (std::uint64_t second = 0; second < 3600; second += 37) {
      if (body.size() > 1) {
        body += ',';
      }
      append_json(body, sample(vm_name("sim", vm, 200), vm, second, kStart, 10));
    }
    body += ']';
    const auto parsed = parse_ingest_body(body);
    ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(parsed))
        << "vm " << vm << ": " << to_json(std::get<ContractError>(parsed));
  }
}

TEST(FleetModel, NamesAreDistinctAndValid) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < 10000; ++i) {
    const std::string name = vm_name("fleet", i, 10000);
    EXPECT_TRUE(valid_vm_name(name)) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 10000u);
  EXPECT_EQ(vm_name("fleet", 7, 10000), "fleet-00007");
}

TEST(FleetModel, ValuesMoveOverTimeAndDifferBetweenVms) {
  const Record a = sample("a", 1, 0, kStart, 0);
  const Record later = sample("a", 1, 60, kStart, 0);
  const Record other = sample("b", 2, 0, kStart, 0);
  EXPECT_NE(a.porcentaje_cpu_uso, later.porcentaje_cpu_uso);
  EXPECT_NE(a.porcentaje_cpu_uso, other.porcentaje_cpu_uso);
  EXPECT_EQ(a.hora, "2026-01-01 00:00:00");
  EXPECT_EQ(later.hora, "2026-01-01 00:01:00");
  EXPECT_EQ(*later.tiempo_activo - *a.tiempo_activo, 60);
  EXPECT_FALSE(a.procesos_top.has_value());
  EXPECT_EQ(sample("a", 1, 0, kStart, 5).procesos_top->size(), 5u);
}

}  // namespace
}  // namespace vmpulse::fleet
