// Test rows as a record query returns them (rows.hpp, kRecordColumnNames' order), built
// by column name so that a field added to the schema needs no edit in the tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rows.hpp"

namespace vmpulse::hub::test {

using Cell = std::pair<std::string_view, std::optional<std::string>>;

// A version 1 sample of web-1 (version 2 fields and procesos_top NULL), with `changes`.
inline db::Row record_row(std::initializer_list<Cell> changes = {}) {
  static const std::vector<Cell> kDefaults{{"id", "7"},
                                           {"vm", "web-1"},
                                           {"total_ram", "8000"},
                                           {"ram_libre", "2000"},
                                           {"uso_ram", "6000"},
                                           {"porcentaje_ram", "75.00"},
                                           {"porcentaje_cpu_uso", "87.50"},
                                           {"porcentaje_cpu_libre", "12.50"},
                                           {"procesos_corriendo", "3"},
                                           {"procesos_durmiendo", "120"},
                                           {"procesos_zombie", "1"},
                                           {"procesos_parados", "0"},
                                           {"total_procesos", "124"},
                                           {"hora", "2026-12-05 06:00:00"},
                                           {"api", "python"}};
  db::Row row(kRecordColumnCount);
  for (std::size_t i = 0; i < kRecordColumnCount; ++i) {
    for (const auto& [name, value] : kDefaults) {
      if (name == kRecordColumnNames[i]) {
        row[i] = value;
      }
    }
    for (const auto& [name, value] : changes) {
      if (name == kRecordColumnNames[i]) {
        row[i] = value;
      }
    }
  }
  return row;
}

// The column of `name` in record_row's rows.
inline std::size_t column_of(std::string_view name) {
  for (std::size_t i = 0; i < kRecordColumnCount; ++i) {
    if (kRecordColumnNames[i] == name) {
      return i;
    }
  }
  return kRecordColumnCount;
}

}  // namespace vmpulse::hub::test
