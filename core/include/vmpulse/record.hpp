// The vmpulse record: one sample of one VM, in the contract's field names and units
// (contract/record.schema.json). A plain value type; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmpulse {

// One entry of procesos_top (contract version 2).
struct ProcessEntry {
  std::int64_t pid = 0;
  std::string nombre;         // sanitised comm: printable ASCII, 1..64 bytes
  std::string estado;         // the state letter of /proc/<pid>/stat
  double porcentaje_cpu = 0;  // share of all CPUs' time over the interval, 0..100
  double ram_mib = 0;         // resident set size

  bool operator==(const ProcessEntry&) const = default;
};

// The fields in contract/record.schema.json's `properties` order. Version 2 fields are
// optional: absent on input means absent here (and NULL in the database).
// ISSUE 13: to be generated from the schema at build time (see visit_fields).
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
  std::optional<double> carga_1;
  std::optional<double> carga_5;
  std::optional<double> carga_15;
  std::optional<double> porcentaje_cpu_robado;
  std::optional<double> porcentaje_cpu_espera;
  std::optional<std::int64_t> swap_total;   // MiB
  std::optional<std::int64_t> swap_libre;   // MiB
  std::optional<std::int64_t> disco_total;  // MiB, the filesystem at the agent's --rootfs
  std::optional<std::int64_t> disco_libre;  // MiB
  std::optional<double> disco_lectura_kib_s;
  std::optional<double> disco_escritura_kib_s;
  std::optional<double> red_rx_kib_s;
  std::optional<double> red_tx_kib_s;
  std::optional<std::int64_t> tiempo_activo;  // seconds since boot
  std::optional<std::vector<ProcessEntry>> procesos_top;
  std::string hora;  // UTC "YYYY-MM-DD HH:MM:SS"
  std::string api;   // set by the ingest route that stored it; empty elsewhere

  bool operator==(const Record&) const = default;
};

// Calls visitor(name, member) for every scalar field of the record in schema order
// (vm … hora, api last; procesos_top is not a scalar and is not visited). Works on
// const and non-const records. What the generic plumbing (JSON, SQL columns, the hub's
// rows) iterates over, so that a field added to the schema needs no edit there.
template <class R, class Visitor>
constexpr void visit_fields(R& r, Visitor&& visitor) {
  visitor(std::string_view("vm"), r.vm);
  visitor(std::string_view("total_ram"), r.total_ram);
  visitor(std::string_view("ram_libre"), r.ram_libre);
  visitor(std::string_view("uso_ram"), r.uso_ram);
  visitor(std::string_view("porcentaje_ram"), r.porcentaje_ram);
  visitor(std::string_view("porcentaje_cpu_uso"), r.porcentaje_cpu_uso);
  visitor(std::string_view("porcentaje_cpu_libre"), r.porcentaje_cpu_libre);
  visitor(std::string_view("procesos_corriendo"), r.procesos_corriendo);
  visitor(std::string_view("procesos_durmiendo"), r.procesos_durmiendo);
  visitor(std::string_view("procesos_zombie"), r.procesos_zombie);
  visitor(std::string_view("procesos_parados"), r.procesos_parados);
  visitor(std::string_view("total_procesos"), r.total_procesos);
  visitor(std::string_view("carga_1"), r.carga_1);
  visitor(std::string_view("carga_5"), r.carga_5);
  visitor(std::string_view("carga_15"), r.carga_15);
  visitor(std::string_view("porcentaje_cpu_robado"), r.porcentaje_cpu_robado);
  visitor(std::string_view("porcentaje_cpu_espera"), r.porcentaje_cpu_espera);
  visitor(std::string_view("swap_total"), r.swap_total);
  visitor(std::string_view("swap_libre"), r.swap_libre);
  visitor(std::string_view("disco_total"), r.disco_total);
  visitor(std::string_view("disco_libre"), r.disco_libre);
  visitor(std::string_view("disco_lectura_kib_s"), r.disco_lectura_kib_s);
  visitor(std::string_view("disco_escritura_kib_s"), r.disco_escritura_kib_s);
  visitor(std::string_view("red_rx_kib_s"), r.red_rx_kib_s);
  visitor(std::string_view("red_tx_kib_s"), r.red_tx_kib_s);
  visitor(std::string_view("tiempo_activo"), r.tiempo_activo);
  visitor(std::string_view("hora"), r.hora);
  visitor(std::string_view("api"), r.api);
}

// The same for one procesos_top entry.
template <class P, class Visitor>
constexpr void visit_process_fields(P& p, Visitor&& visitor) {
  visitor(std::string_view("pid"), p.pid);
  visitor(std::string_view("nombre"), p.nombre);
  visitor(std::string_view("estado"), p.estado);
  visitor(std::string_view("porcentaje_cpu"), p.porcentaje_cpu);
  visitor(std::string_view("ram_mib"), p.ram_mib);
}

// Appends the record as one JSON object, fields in the contract's order, percentages
// with two decimals, `api` only when non-empty. Allocation-free apart from `out`'s growth.
void append_json(std::string& out, const Record& record);
std::string to_json(const Record& record);

// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string format_utc(std::chrono::system_clock::time_point when);

}  // namespace vmpulse
