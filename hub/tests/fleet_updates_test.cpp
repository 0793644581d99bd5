#include "fleet_updates.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "messages.hpp"
#include "record_rows.hpp"

using namespace vmpulse::hub;
using namespace std::chrono_literals;

namespace {

StoredRecord record(std::uint64_t id, std::string vm, std::string hora, std::string cpu = "12.50") {
  return std::get<StoredRecord>(from_row(test::record_row({{"id", std::to_string(id)},
                                                           {"vm", std::move(vm)},
                                                           {"hora", std::move(hora)},
                                                           {"porcentaje_cpu_uso", cpu}})));
}

// Delivers rows as the poller does: into the state, then into the fleet updates.
void deliver(LiveState& state, FleetUpdates& fleet, const std::vector<StoredRecord>& rows) {
  for (const auto& r : rows) {
    state.apply(r);
  }
  fleet.changed(rows);
}

std::vector<std::string> names(const std::string& payload) {
  const auto json = nlohmann::json::parse(payload);
  EXPECT_EQ(json["type"], "fleet");
  EXPECT_EQ(json.size(), 3u);
  std::vector<std::string> vms;
  for (const auto& entry : json["vms"]) {
    vms.push_back(entry["vm"].get<std::string>());
  }
  return vms;
}

const FleetUpdates::Clock::time_point t0{};

}  // namespace

TEST(FleetUpdates, OnlyTheVmsThatGotRowsWithTheirVmsEntry) {
  LiveState state;
  FleetUpdates fleet(1s);
  deliver(state, fleet,
          {record(1, "a", "2026-12-05 06:00:00"), record(2, "b", "2026-12-05 06:00:00"),
           record(3, "c", "2026-12-05 06:00:00")});
  ASSERT_TRUE(fleet.take(state, t0));
  deliver(state, fleet,
          {record(4, "c", "2026-12-05 06:00:01", "90.00"), record(5, "a", "2026-12-05 06:00:01"),
           record(6, "c", "2026-12-05 06:00:02")});
  const auto payload = fleet.take(state, t0 + 1s);
  ASSERT_TRUE(payload);
  EXPECT_EQ(names(*payload), (std::vector<std::string>{"a", "c"})) << "b got no row; by name";
  // Each entry is the VM's /api/vms entry, byte for byte.
  const auto vms = nlohmann::json::parse(encode_vms(state))["vms"];
  const auto entries = nlohmann::json::parse(*payload)["vms"];
  EXPECT_EQ(entries[0], vms[0]);
  EXPECT_EQ(entries[1], vms[2]);
  EXPECT_EQ(entries[1]["rows"], 3);
  EXPECT_EQ(entries[1]["last"], "2026-12-05 06:00:02");
  EXPECT_NE(payload->find(R"({"vm":"c","last":"2026-12-05 06:00:02","rows":3,)"),
            std::string::npos);
}

TEST(FleetUpdates, AtMostOncePerIntervalAndChangesWaitForTheNext) {
  LiveState state;
  FleetUpdates fleet(1s);
  deliver(state, fleet, {record(1, "a", "2026-12-05 06:00:00")});
  ASSERT_TRUE(fleet.take(state, t0));
  deliver(state, fleet, {record(2, "b", "2026-12-05 06:00:00")});
  EXPECT_FALSE(fleet.take(state, t0 + 250ms));
  deliver(state, fleet, {record(3, "c", "2026-12-05 06:00:00")});
  EXPECT_FALSE(fleet.take(state, t0 + 999ms));
  const auto payload = fleet.take(state, t0 + 1000ms);
  ASSERT_TRUE(payload);
  EXPECT_EQ(names(*payload), (std::vector<std::string>{"b", "c"}));
}

TEST(FleetUpdates, NothingChangedNoMessage) {
  LiveState state;
  FleetUpdates fleet(1s);
  EXPECT_FALSE(fleet.take(state, t0));
  deliver(state, fleet, {record(1, "a", "2026-12-05 06:00:00")});
  ASSERT_TRUE(fleet.take(state, t0 + 5s));
  EXPECT_FALSE(fleet.take(state, t0 + 10s)) << "a VM is sent once per change, not again";
}

// A row of a VM nobody here watches moves the split: `records` no longer tell these
// clients, so `fleet` does, with or without entries.
TEST(FleetUpdates, TheSplitRidesOnFleetAndAChangeAloneSendsOne) {
  LiveState state;
  FleetUpdates fleet(1s);
  deliver(state, fleet, {record(1, "a", "2026-12-05 06:00:00")});
  state.set_split(Split{{{"cpp", 7}, {"nodejs", 4}}});
  auto payload = fleet.take(state, t0);
  ASSERT_TRUE(payload);
  auto json = nlohmann::json::parse(*payload);
  EXPECT_EQ(json["split"]["cpp"], 7);
  EXPECT_EQ(json["split"]["nodejs"], 4);
  EXPECT_EQ(json["split"]["total"], 11);

  EXPECT_FALSE(fleet.take(state, t0 + 2s)) << "same split, no VM changed";
  state.set_split(Split{{{"cpp", 8}, {"nodejs", 4}}});
  EXPECT_FALSE(fleet.take(state, t0 + 500ms)) << "within the interval";
  payload = fleet.take(state, t0 + 3s);
  ASSERT_TRUE(payload);
  json = nlohmann::json::parse(*payload);
  EXPECT_TRUE(json["vms"].empty());
  EXPECT_EQ(json["split"]["total"], 12);
}
