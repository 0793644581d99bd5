#include "vmpulse/record.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vmpulse/processes_json.hpp"

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

Record sample_v2() {
  Record r = sample();
  r.carga_1 = 0.5;
  r.carga_5 = 1.256;
  r.carga_15 = 2;
  r.swap_total = 2048;
  r.swap_libre = 1024;
  r.tiempo_activo = 86400;
  r.red_rx_kib_s = 1e12;
  r.red_tx_kib_s = 0;
  r.procesos_top = std::vector<ProcessEntry>{{1234, "a \"b\" \\c", "R", 99.456, 12.2},
                                             {1, "systemd", "S", 0, 9}};
  return r;
}

TEST(RecordJson, Version2FieldsOnlyWhenPresent) {
  EXPECT_EQ(
      to_json(sample_v2()),
      R"({"vm":"vm-1","total_ram":7985,"ram_libre":4321,"uso_ram":3664,"porcentaje_ram":45.89,)"
      R"("porcentaje_cpu_uso":12.50,"porcentaje_cpu_libre":87.50,"procesos_corriendo":2,)"
      R"("procesos_durmiendo":180,"procesos_zombie":0,"procesos_parados":1,"total_procesos":183,)"
      R"("carga_1":0.50,"carga_5":1.26,"carga_15":2.00,"swap_total":2048,"swap_libre":1024,)"
      R"("red_rx_kib_s":1000000000000.00,"red_tx_kib_s":0.00,"tiempo_activo":86400,)"
      R"("procesos_top":[[1234,"a \"b\" \\c","R",99.46,12.20],[1,"systemd","S",0.00,9.00]],)"
      R"("hora":"2026-11-26 17:55:00"})");
}

// The record's JSON (what the agent sends) carries procesos_top in the routes' stored
// form byte for byte, which the hub turns back into the contract's objects.
TEST(RecordJson, ProcessListIsTheRoutesStoredForm) {
  const Record r = sample_v2();
  std::string stored;
  append_processes_stored(stored, *r.procesos_top);
  EXPECT_NE(to_json(r).find(R"("procesos_top":)" + stored + R"(,"hora")"), std::string::npos)
      << to_json(r);
  std::string read_back;
  ASSERT_FALSE(append_processes_from_stored(read_back, stored));
  std::string objects;
  append_processes_json(objects, *r.procesos_top);
  EXPECT_EQ(read_back, objects);
}

TEST(RecordJson, EmptyProcessListIsWritten) {
  auto r = sample();
  r.procesos_top.emplace();
  EXPECT_NE(to_json(r).find(R"("procesos_top":[],"hora")"), std::string::npos) << to_json(r);
}

// Every field at once comes out in the schema's `properties` order, as the contract's
// readers (and a person comparing) expect.
TEST(RecordJson, KeysInSchemaOrder) {
  std::ifstream file(std::string(VMPULSE_SOURCE_DIR) + "/contract/record.schema.json");
  const auto schema = nlohmann::ordered_json::parse(file);
  auto r = sample_v2();
  r.porcentaje_cpu_robado = 1;
  r.porcentaje_cpu_espera = 2;
  r.disco_total = 3;
  r.disco_libre = 2;
  r.disco_lectura_kib_s = 1;
  r.disco_escritura_kib_s = 1;
  r.etiquetas = Labels{{"env", "prod"}};
  r.api = "cpp";
  std::vector<std::string> keys;
  const auto json = nlohmann::ordered_json::parse(to_json(r));
  for (const auto& [key, value] : json.items()) {
    keys.push_back(key);
  }
  std::vector<std::string> expected;
  for (const auto& [key, value] : schema.at("properties").items()) {
    expected.push_back(key);
  }
  EXPECT_EQ(keys, expected);
}

TEST(FormatUtc, EpochAndLeapDay) {
  using namespace std::chrono;
  EXPECT_EQ(format_utc(system_clock::time_point{}), "1970-01-01 00:00:00");
  const auto leap = sys_days{year{2024} / February / 29} + hours{23} + minutes{59} + seconds{59} +
                    milliseconds{999};
  EXPECT_EQ(format_utc(leap), "2024-02-29 23:59:59");
}

TEST(FormatUtc, UnixSeconds) {
  EXPECT_EQ(format_utc(std::int64_t{0}), "1970-01-01 00:00:00");
  EXPECT_EQ(format_utc(std::int64_t{1709251199}), "2024-02-29 23:59:59");
  EXPECT_EQ(format_utc(std::int64_t{253402300799}), "9999-12-31 23:59:59");  // DATETIME's last
}

}  // namespace
}  // namespace vmpulse
