// The vmpulse record: one sample of one VM, in the contract's field names and units
// (contract/record.schema.json). A plain value type; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vmpulse {

struct Record {
  std::string vm;
  std::int64_t total_ram = 0;  // MiB
  std::int64_t ram_libre = 0;  // MiB, available memory
  std::int64_t uso_ram = 0;    // MiB, total_ram - ram_libre
  double porcentaje_ram = 0;
  double porcentaje_cpu_uso = 0;
  double porcentaje_cpu_libre = 0;
  std::int64_t procesos_corriendo = 0;
  std::int64_t procesos_durmiendo = 0;
  std::int64_t procesos_zombie = 0;
  std::int64_t procesos_parados = 0;
  std::int64_t total_procesos = 0;
  std::string hora;  // UTC "YYYY-MM-DD HH:MM:SS"
  std::string api;   // set by the ingest route that stored it; empty elsewhere

  bool operator==(const Record&) const = default;
};

// Appends the record as one JSON object, fields in the contract's order, percentages
// with two decimals, `api` only when non-empty. Allocation-free apart from `out`'s growth.
void append_json(std::string& out, const Record& record);
std::string to_json(const Record& record);

// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string format_utc(std::chrono::system_clock::time_point when);

}  // namespace vmpulse
