// A stored record as the hub handles it: the row id, the fields it groups and orders
// by, and the record already encoded as JSON once, so that every message that carries
// it copies bytes instead of re-encoding. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "vmpulse/db.hpp"

namespace vmpulse::hub {

struct StoredRecord {
  std::uint64_t id = 0;
  std::string vm;
  std::string hora;  // "YYYY-MM-DD HH:MM:SS" UTC, as stored
  std::string api;
  std::string json;  // {"id":…,"vm":…,…,"hora":…,"api":…}
};

// The columns every record query selects, in the order from_row expects.
inline constexpr std::string_view kRecordColumns =
    "id, vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso, "
    "porcentaje_cpu_libre, procesos_corriendo, procesos_durmiendo, procesos_zombie, "
    "procesos_parados, total_procesos, hora, api";
inline constexpr std::size_t kRecordColumnCount = 15;

// Converts a row selected with kRecordColumns (from column `first` on); an error names
// the column that is missing or not what the schema promises.
std::variant<StoredRecord, std::string> from_row(const db::Row& row, std::size_t first = 0);

}  // namespace vmpulse::hub
