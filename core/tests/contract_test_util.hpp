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
