#include "vm_routes.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "record_rows.hpp"

using namespace vmpulse::hub;

namespace {

StoredRecord record(std::uint64_t id, std::string vm) {
  return std::get<StoredRecord>(from_row(test::record_row(
      {{"id", std::to_string(id)}, {"vm", std::move(vm)}, {"hora", "2026-12-05 06:00:00"}})));
}

// A dashboard as the poller sees it: keeps what it is sent.
class Dashboard final : public Subscriber {
 public:
  void deliver_update(const Message& message) override { updates.push_back(message); }
  void deliver_snapshot(const Message& message) override { updates.push_back(message); }
  std::vector<Message> updates;
};

// What `dashboard` gets from `deliveries`, handed over in order as the fan-out does.
std::vector<Message> received(const std::vector<Delivery>& deliveries,
                              const Subscriber* dashboard) {
  std::vector<Message> got;
  for (const Delivery& delivery : deliveries) {
    for (const auto& subscriber : *delivery.subscribers) {
      if (subscriber.get() == dashboard) {
        got.push_back(delivery.message);
      }
    }
  }
  return got;
}

std::vector<std::uint64_t> ids_of(const Message& message) {
  const auto json = nlohmann::json::parse(frame_payload(*message));
  EXPECT_EQ(json["type"], "records");
  EXPECT_TRUE(json.contains("split"));
  std::vector<std::uint64_t> ids;
  for (const auto& r : json["records"]) {
    ids.push_back(r["id"].get<std::uint64_t>());
  }
  return ids;
}

std::vector<std::string> vms_of(const Message& message) {
  std::vector<std::string> vms;
  const auto json = nlohmann::json::parse(frame_payload(*message));
  for (const auto& r : json["records"]) {
    vms.push_back(r["vm"].get<std::string>());
  }
  return vms;
}

}  // namespace

TEST(VmRoutes, EachClientGetsOnlyItsVmsRowsInIdOrder) {
  VmRoutes routes;
  auto a1 = std::make_shared<Dashboard>();
  auto a2 = std::make_shared<Dashboard>();
  auto b = std::make_shared<Dashboard>();
  for (const auto& d : {a1, a2, b}) {
    routes.add(d);
  }
  routes.route(a1.get(), "a");
  routes.route(a2.get(), "a");
  routes.route(b.get(), "b");
  const std::vector<StoredRecord> rows{record(1, "a"), record(2, "c"), record(3, "b"),
                                       record(4, "a"), record(5, "b"), record(6, "a")};
  const auto deliveries = records_deliveries(rows, Split{}, *routes.table());
  ASSERT_EQ(deliveries.size(), 2u) << "one message per watched VM; c is watched by nobody";
  const auto got_a1 = received(deliveries, a1.get());
  const auto got_a2 = received(deliveries, a2.get());
  const auto got_b = received(deliveries, b.get());
  ASSERT_EQ(got_a1.size(), 1u);
  ASSERT_EQ(got_b.size(), 1u);
  EXPECT_EQ(ids_of(got_a1[0]), (std::vector<std::uint64_t>{1, 4, 6}));
  EXPECT_EQ(ids_of(got_b[0]), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(vms_of(got_b[0]), (std::vector<std::string>{"b", "b"}));
  // Encoded once for the VM: both of a's clients get the same buffer.
  ASSERT_EQ(got_a2.size(), 1u);
  EXPECT_EQ(got_a1[0].get(), got_a2[0].get());
}

TEST(VmRoutes, NoRowsForAWatchedVmNoMessage) {
  VmRoutes routes;
  auto d = std::make_shared<Dashboard>();
  routes.add(d);
  routes.route(d.get(), "quiet");
  EXPECT_TRUE(records_deliveries({record(1, "busy")}, Split{}, *routes.table()).empty());
}

TEST(VmRoutes, ANewClientWatchesNothingUntilRouted) {
  VmRoutes routes;
  auto d = std::make_shared<Dashboard>();
  routes.add(d);
  EXPECT_EQ(routes.vm_of(d.get()), "");
  EXPECT_TRUE(records_deliveries({record(1, "a")}, Split{}, *routes.table()).empty());
  EXPECT_EQ(routes.table()->everyone->size(), 1u) << "but it gets what goes to everyone";
}

TEST(VmRoutes, UnroutedClientsTakeTheFirstVmToReport) {
  VmRoutes routes;
  auto empty = std::make_shared<Dashboard>();
  auto chosen = std::make_shared<Dashboard>();
  routes.add(empty);
  routes.add(chosen);
  routes.route(chosen.get(), "b");
  EXPECT_EQ(routes.unrouted(), 1u);
  routes.route_unrouted("a");
  EXPECT_EQ(routes.vm_of(empty.get()), "a");
  EXPECT_EQ(routes.vm_of(chosen.get()), "b") << "a chosen VM stays";
  EXPECT_EQ(routes.unrouted(), 0u);
}

TEST(VmRoutes, CountsUnroutedClientsThroughEveryChange) {
  VmRoutes routes;
  auto a = std::make_shared<Dashboard>();
  auto b = std::make_shared<Dashboard>();
  routes.add(a);
  routes.add(b);
  EXPECT_EQ(routes.unrouted(), 2u);
  routes.route(a.get(), "x");
  EXPECT_EQ(routes.unrouted(), 1u);
  routes.route(a.get(), "y");  // one VM to another: still routed
  EXPECT_EQ(routes.unrouted(), 1u);
  routes.route(a.get(), "");  // back to none
  EXPECT_EQ(routes.unrouted(), 2u);
  routes.route_unrouted("");  // no VM to give: nothing changes
  EXPECT_EQ(routes.unrouted(), 2u);
  EXPECT_EQ(routes.vm_of(a.get()), "");
  routes.add(a);  // added again while unrouted: counted once
  EXPECT_EQ(routes.unrouted(), 2u);
  routes.route(b.get(), "x");
  routes.add(b);  // added again while routed: it starts over unrouted
  EXPECT_EQ(routes.unrouted(), 2u);
  EXPECT_EQ(routes.remove(a.get()), a);
  EXPECT_EQ(routes.unrouted(), 1u);
  routes.route_unrouted("z");
  EXPECT_EQ(routes.vm_of(b.get()), "z");
  EXPECT_EQ(routes.unrouted(), 0u);
  const auto table = routes.table();
  routes.route_unrouted("w");  // nobody unrouted: the table is kept
  EXPECT_EQ(routes.table(), table);
  routes.remove(b.get());
  EXPECT_EQ(routes.unrouted(), 0u);
  EXPECT_EQ(routes.size(), 0u);
}

TEST(VmRoutes, SelectMovesTheClientAndLeavingDropsIt) {
  VmRoutes routes;
  auto d = std::make_shared<Dashboard>();
  routes.add(d);
  routes.route(d.get(), "a");
  const auto before = routes.table();
  EXPECT_EQ(routes.table(), before) << "kept while nothing changes";
  routes.route(d.get(), "b");
  const auto after = routes.table();
  EXPECT_NE(after, before);
  EXPECT_EQ(after->by_vm.count("a"), 0u);
  EXPECT_EQ(after->by_vm.at("b")->size(), 1u);
  EXPECT_EQ(routes.remove(d.get()), d) << "the reference, for release outside the lock";
  EXPECT_EQ(routes.size(), 0u);
  EXPECT_TRUE(routes.table()->everyone->empty());
  EXPECT_TRUE(routes.table()->by_vm.empty());
  routes.route(d.get(), "c");  // a client that has left is not brought back
  EXPECT_EQ(routes.size(), 0u);
}
