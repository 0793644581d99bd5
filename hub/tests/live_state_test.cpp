#include "live_state.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {
StoredRecord record(std::uint64_t id, std::string vm, std::string hora) {
  StoredRecord r;
  r.id = id;
  r.vm = std::move(vm);
  r.hora = std::move(hora);
  r.json = "{}";
  return r;
}
}  // namespace

TEST(LiveState, StartUpLoadThenDeliveredRows) {
  LiveState state;
  state.add_vm("a", "2026-11-26 10:00:00", 100);
  state.set_latest(record(100, "a", "2026-11-26 10:00:00"));
  state.apply(record(101, "a", "2026-11-26 10:00:01"));
  const VmEntry* a = state.find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->rows, 101u);
  EXPECT_EQ(a->last, "2026-11-26 10:00:01");
  EXPECT_EQ(a->latest->id, 101u);
  EXPECT_EQ(state.find("b"), nullptr);
}

TEST(LiveState, SameHoraPrefersLargerId) {
  LiveState state;
  state.apply(record(5, "a", "2026-11-26 10:00:00"));
  state.apply(record(4, "a", "2026-11-26 10:00:00"));
  EXPECT_EQ(state.find("a")->latest->id, 5u);
  state.apply(record(6, "a", "2026-11-26 10:00:00"));
  EXPECT_EQ(state.find("a")->latest->id, 6u);
}

TEST(LiveState, NewestVmIsEmptyWithoutRows) { EXPECT_FALSE(LiveState{}.newest_vm()); }
