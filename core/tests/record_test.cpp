#include "vmpulse/record.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace vmpulse {
namespace {

Record sample() {
  Record r;
  r.vm = "vm-1";
  r.total_ram = 7985;
  r.ram_libre = 4321;
  r.uso_ram = 3664;
  r.porcentaje_ram = 45.886;
  r.porcentaje_cpu_uso = 12.5;
  r.porcentaje_cpu_libre = 87.5;
  r.procesos_corriendo = 2;
  r.procesos_durmiendo = 180;
  r.procesos_zombie = 0;
  r.procesos_parados = 1;
  r.total_procesos = 183;
  r.hora = "2026-11-26 17:55:00";
  return r;
}

TEST(RecordJson, FieldsInContractOrderWithTwoDecimalPercentages) {
  EXPECT_EQ(
      to_json(sample()),
      R"({"vm":"vm-1","total_ram":7985,"ram_libre":4321,"uso_ram":3664,"porcentaje_ram":45.89,)"
      R"("porcentaje_cpu_uso":12.50,"porcentaje_cpu_libre":87.50,"procesos_corriendo":2,)"
      R"("procesos_durmiendo":180,"procesos_zombie":0,"procesos_parados":1,"total_procesos":183,)"
      R"("hora":"2026-11-26 17:55:00"})");
}

TEST(RecordJson, ApiOnlyWhenSet) {
  auto r = sample();
  r.api = "cpp";
  const auto json = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(json.at("api"), "cpp");
  EXPECT_FALSE(nlohmann::json::parse(to_json(sample())).contains("api"));
}

TEST(RecordJson, AppendsToExistingText) {
  std::string out = "[";
  append_json(out, sample());
  out += ",";
  append_json(out, sample());
  out += "]";
  EXPECT_EQ(nlohmann::json::parse(out).size(), 2U);
}

TEST(RecordJson, EscapesStringsSoOutputIsAlwaysValidJson) {
  auto r = sample();
  r.vm = std::string("a\"b\\c\n\x01\xff\xc3\xa9", 10);
  const auto json = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(json.at("vm").get<std::string>(), "a\"b\\c\n\x01\xEF\xBF\xBD\xC3\xA9");
}

TEST(RecordJson, NegativeZeroAndNonFinitePercentages) {
  auto r = sample();
  r.porcentaje_ram = -0.001;
  r.porcentaje_cpu_uso = std::numeric_limits<double>::quiet_NaN();
  const auto text = to_json(r);
  EXPECT_NE(text.find("\"porcentaje_ram\":0.00,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"porcentaje_cpu_uso\":null,"), std::string::npos) << text;
}

TEST(RecordJson, RoundTripsThroughAJsonParser) {
  const auto json = nlohmann::json::parse(to_json(sample()));
  EXPECT_EQ(json.at("total_ram").get<std::int64_t>(), 7985);
  EXPECT_DOUBLE_EQ(json.at("porcentaje_cpu_libre").get<double>(), 87.5);
  EXPECT_EQ(json.size(), 13U);
}

TEST(FormatUtc, EpochAndLeapDay) {
  using namespace std::chrono;
  EXPECT_EQ(format_utc(system_clock::time_point{}), "1970-01-01 00:00:00");
  const auto leap = sys_days{year{2024} / February / 29} + hours{23} + minutes{59} + seconds{59} +
                    milliseconds{999};
  EXPECT_EQ(format_utc(leap), "2024-02-29 23:59:59");
}

}  // namespace
}  // namespace vmpulse
