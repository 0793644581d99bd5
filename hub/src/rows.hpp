// A stored record as the hub handles it: the row id, the fields it groups and orders
// by, its numeric fields as numbers (what the alert rules compare), and the record
// already encoded as JSON once, so that every message that carries it copies bytes
// instead of re-encoding. Pure; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "vmpulse/db.hpp"

namespace vmpulse::hub {

// The columns every record query selects, in the order from_row expects.
inline constexpr std::string_view kRecordColumns =
    "id, vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso, "
    "porcentaje_cpu_libre, procesos_corriendo, procesos_durmiendo, procesos_zombie, "
    "procesos_parados, total_procesos, hora, api";
inline constexpr std::size_t kRecordColumnCount = 15;

// The numeric columns of kRecordColumns, by name and in order (they follow id and vm):
// the metrics an alert rule may name. A field added to the record is added here too.
inline constexpr std::array<std::string_view, 11> kMetricColumns{
    "total_ram",          "ram_libre",          "uso_ram",
    "porcentaje_ram",     "porcentaje_cpu_uso", "porcentaje_cpu_libre",
    "procesos_corriendo", "procesos_durmiendo", "procesos_zombie",
    "procesos_parados",   "total_procesos"};
inline constexpr std::size_t kFirstMetricColumn = 2;
static_assert(kFirstMetricColumn + kMetricColumns.size() + 2 == kRecordColumnCount);

struct StoredRecord {
  std::uint64_t id = 0;
  std::string vm;
  std::string hora;  // "YYYY-MM-DD HH:MM:SS" UTC, as stored
  std::string api;
  std::string json;  // {"id":…,"vm":…,…,"hora":…,"api":…}
  // kMetricColumns' values, parsed once here so that the alert engine compares numbers
  // without another query or parse.
  std::array<double, kMetricColumns.size()> metrics{};
};

// Converts a row selected with kRecordColumns (from column `first` on); an error names
// the column that is missing or not what the schema promises.
std::variant<StoredRecord, std::string> from_row(const db::Row& row, std::size_t first = 0);

}  // namespace vmpulse::hub
