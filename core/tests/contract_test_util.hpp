// Bodies for the contract tests: one good record, and variations of it.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace vmpulse::test {

inline const std::string kGoodRecord =
    R"({"vm":"vm-1","total_ram":8000,"ram_libre":3000,"uso_ram":5000,"porcentaje_ram":62.5,)"
    R"("porcentaje_cpu_uso":20.25,"porcentaje_cpu_libre":79.75,"procesos_corriendo":3,)"
    R"("procesos_durmiendo":150,"procesos_zombie":0,"procesos_parados":1,"total_procesos":154,)"
    R"("hora":"2026-11-26 18:00:00"})";

// A good record of contract version 2: every optional field, two processes.
inline const std::string kGoodRecordV2 =
    R"({"vm":"vm-2","total_ram":8000,"ram_libre":3000,"uso_ram":5000,"porcentaje_ram":62.5,)"
    R"("porcentaje_cpu_uso":20.25,"porcentaje_cpu_libre":79.75,"procesos_corriendo":3,)"
    R"("procesos_durmiendo":150,"procesos_zombie":0,"procesos_parados":1,"total_procesos":154,)"
    R"("carga_1":0.5,"carga_5":1.25,"carga_15":2,"porcentaje_cpu_robado":0.5,)"
    R"("porcentaje_cpu_espera":3.75,"swap_total":2048,"swap_libre":1024,"disco_total":100000,)"
    R"("disco_libre":40000,"disco_lectura_kib_s":12.5,"disco_escritura_kib_s":300,)"
    R"("red_rx_kib_s":4.25,"red_tx_kib_s":1,"tiempo_activo":86400,)"
    R"("etiquetas":{"env":"prod","role":"db \"primary\" \\ a"},"procesos_top":[)"
    R"j({"pid":1234,"nombre":"stress-ng (cpu)","estado":"R","porcentaje_cpu":99.5,"ram_mib":12.25},)j"
    R"({"pid":1,"nombre":"systemd","estado":"S","porcentaje_cpu":0,"ram_mib":9}],)"
    R"("hora":"2026-11-26 18:00:00"})";

// One procesos_top entry (JSON text) with `field` set to the JSON text `value`.
inline std::string entry_with(const std::string& field, const std::string& value) {
  auto entry = nlohmann::ordered_json::parse(
      R"({"pid":42,"nombre":"bash","estado":"S","porcentaje_cpu":1.5,"ram_mib":3.25})");
  entry[field] = nlohmann::ordered_json::parse(value);
  return entry.dump();
}

// The good record with `field` set to the JSON text `value` (added at the end if new).
inline std::string with(const std::string& field, const std::string& value) {
  auto record = nlohmann::ordered_json::parse(kGoodRecord);
  record[field] = nlohmann::ordered_json::parse(value);
  return record.dump();
}

// The good record with several fields set, in the good record's field order.
inline std::string with_all(std::initializer_list<std::pair<std::string, std::string>> changes) {
  auto record = nlohmann::ordered_json::parse(kGoodRecord);
  for (const auto& [field, value] : changes) record[field] = nlohmann::ordered_json::parse(value);
  return record.dump();
}

inline std::string without(const std::string& field) {
  auto record = nlohmann::ordered_json::parse(kGoodRecord);
  record.erase(field);
  return record.dump();
}

// The good record's text with `value` spliced in as the raw text of `field`'s value,
// for values no JSON library would write (NaN, bad UTF-8, huge numbers).
inline std::string with_raw(const std::string& field, const std::string& raw) {
  std::string text = kGoodRecord;
  const auto key = text.find("\"" + field + "\":");
  const auto start = key + field.size() + 3;
  auto end = start;
  if (text[start] == '"') {
    end = text.find('"', start + 1) + 1;
  } else {
    end = text.find_first_of(",}", start);
  }
  text.replace(start, end - start, raw);
  return text;
}

inline std::string array_of(const std::string& element, std::size_t count) {
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) out += (i ? "," : "") + element;
  return out + "]";
}

}  // namespace vmpulse::test
