#include <gtest/gtest.h>

#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

using test::array_of;
using test::kGoodRecord;
using test::with;
using test::with_raw;

std::vector<Record> accepted(const std::string& body) {
  auto result = parse_ingest_body(body);
  if (const auto* error = std::get_if<ContractError>(&result)) {
    ADD_FAILURE() << "refused: " << to_json(*error) << "\nbody: " << body.substr(0, 300);
    return {};
  }
  return std::get<std::vector<Record>>(std::move(result));
}

TEST(GoodBody, SingleRecordHasEveryField) {
  const auto records = accepted(kGoodRecord);
  ASSERT_EQ(records.size(), 1U);
  const Record& r = records[0];
  EXPECT_EQ(r.vm, "vm-1");
  EXPECT_EQ(r.total_ram, 8000);
  EXPECT_EQ(r.ram_libre, 3000);
  EXPECT_EQ(r.uso_ram, 5000);
  EXPECT_DOUBLE_EQ(r.porcentaje_ram, 62.5);
  EXPECT_DOUBLE_EQ(r.porcentaje_cpu_uso, 20.25);
  EXPECT_DOUBLE_EQ(r.porcentaje_cpu_libre, 79.75);
  EXPECT_EQ(r.procesos_corriendo, 3);
  EXPECT_EQ(r.procesos_durmiendo, 150);
  EXPECT_EQ(r.procesos_zombie, 0);
  EXPECT_EQ(r.procesos_parados, 1);
  EXPECT_EQ(r.total_procesos, 154);
  EXPECT_EQ(r.hora, "2026-11-26 18:00:00");
  EXPECT_EQ(r.api, "");
}

TEST(GoodBody, BatchKeepsOrder) {
  const auto records = accepted("[" + with("vm", R"("a")") + ",\n " + with("vm", R"("b")") + " , " +
                                with("vm", R"("c")") + "]");
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].vm, "a");
  EXPECT_EQ(records[1].vm, "b");
  EXPECT_EQ(records[2].vm, "c");
}

TEST(GoodBody, FullBatch) {
  EXPECT_EQ(accepted(array_of(kGoodRecord, ingest_limits().max_batch)).size(),
            ingest_limits().max_batch);
}

TEST(GoodBody, RoundTripOfTheRecordsOwnJson) {
  const auto records = accepted(kGoodRecord);
  ASSERT_EQ(records.size(), 1U);
  const auto again = accepted(to_json(records[0]));
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0], records[0]);
}

TEST(GoodBody, IntegersMayBeWrittenAsWholeFloats) {
  const auto records = accepted(with_raw("total_ram", "8e3"));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].total_ram, 8000);
  EXPECT_EQ(accepted(with_raw("procesos_zombie", "0.0")).at(0).procesos_zombie, 0);
  EXPECT_EQ(accepted(with_raw("procesos_zombie", "-0")).at(0).procesos_zombie, 0);
}

TEST(GoodBody, BoundariesAreInclusive) {
  EXPECT_EQ(accepted(with("vm", "\"" + std::string(64, 'x') + "\"")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_ram", "100")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_ram", "0")).size(), 1U);
  EXPECT_EQ(accepted(with("ram_libre", "8000")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_cpu_libre", "78.75")).size(), 1U);  // sum 99, tolerance 1
  EXPECT_EQ(accepted(with("hora", R"("2024-02-29 23:59:59")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("1970-01-01 00:00:00")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("9999-12-31 23:59:59")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("2000-02-29 00:00:00")")).size(), 1U);
}

TEST(GoodBody, MaxIntegersAreAccepted) {
  auto body = with_raw("total_ram", "9007199254740991");
  const auto records = accepted(body);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].total_ram, 9007199254740991);
}

TEST(GoodBody, ApiIsKeptForTheRouteToOverwrite) {
  const auto records = accepted(with("api", R"("nodejs")"));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].api, "nodejs");
}

TEST(GoodBody, EscapesInStringsAreDecoded) {
  const auto records = accepted(with_raw("vm", R"("\u0076m\u002d1")"));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].vm, "vm-1");
}

TEST(GoodBody, WhitespaceAroundTheBody) {
  EXPECT_EQ(accepted("\r\n\t " + kGoodRecord + " \n").size(), 1U);
}

TEST(Limits, ComeFromTheSchema) {
  EXPECT_EQ(ingest_limits().max_batch, 1000U);
  EXPECT_EQ(ingest_limits().max_body_bytes, 1048576U);
  EXPECT_EQ(ingest_limits().max_depth, 2U);
}

TEST(StatusOf, KnownAndUnknownCodes) {
  EXPECT_EQ(status_of("invalid_json"), 400);
  EXPECT_EQ(status_of("unauthorized"), 401);
  EXPECT_EQ(status_of("payload_too_large"), 413);
  EXPECT_EQ(status_of("database_unavailable"), 503);
  EXPECT_EQ(status_of("no_such_code"), 500);
}

TEST(IdempotencyKey, FollowsThePattern) {
  EXPECT_TRUE(valid_idempotency_key("batch-2026-11-26:0001"));
  EXPECT_TRUE(valid_idempotency_key(std::string(128, 'k')));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key(std::string(129, 'k')));
  EXPECT_FALSE(valid_idempotency_key("has space"));
  EXPECT_FALSE(valid_idempotency_key("emoji\xf0\x9f\x98\x80"));
}

}  // namespace
}  // namespace vmpulse
