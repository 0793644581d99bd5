#include "rows.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {
vmpulse::db::Row record_row(std::string cpu) {
  return {"7",     "web-1", "8000", "2000", "6000", "75.00", std::move(cpu),
          "12.50", "3",     "120",  "1",    "0",    "124",   "2026-12-05 06:00:00",
          "python"};
}
}  // namespace

TEST(Rows, FromRowFillsMetricsInColumnOrder) {
  auto parsed = from_row(record_row("87.50"));
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed)) << std::get<std::string>(parsed);
  const StoredRecord& r = std::get<StoredRecord>(parsed);
  EXPECT_EQ(r.vm, "web-1");
  EXPECT_EQ(r.metrics[0], 8000);  // total_ram
  EXPECT_EQ(r.metrics[4], 87.5);  // porcentaje_cpu_uso
  EXPECT_EQ(kMetricColumns[4], "porcentaje_cpu_uso");
  EXPECT_EQ(r.metrics[8], 1);  // procesos_zombie
  EXPECT_EQ(kMetricColumns[8], "procesos_zombie");
  EXPECT_EQ(r.metrics[10], 124);  // total_procesos
  EXPECT_NE(r.json.find("\"porcentaje_cpu_uso\":87.50"), std::string::npos);
}

TEST(Rows, NonNumbersAreErrors) {
  for (const char* bad : {"inf", "1e999", "12x", ""}) {
    auto parsed = from_row(record_row(bad));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find("porcentaje_cpu_uso"), std::string::npos);
  }
}
