// The series GET /api/history serves besides cpu, ram and procesos (issue 13): each a
// value per metricas row, as SQL, NULL where the row lacks it (version 1 rows, a VM
// without swap). One table that the raw query, the per-minute rollup (its columns
// <name>_n, <name>_suma, <name>_max: db/migrations/006_metricas_minuto_v2.sql) and the
// answer are all built from. Thread-safe (constants).
#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vmpulse::hub {

struct HistorySeries {
  std::string_view name;        // the key in a history point; the rollup columns' prefix
  std::string_view expression;  // the row's value: a DECIMAL with 2 decimals, or NULL
};

// Percentages of a total are rounded per row, so the rollup's sums stay exact DECIMALs
// (sum / n equals AVG over the raw rows digit for digit).
inline constexpr std::array<HistorySeries, 9> kHistorySeries{{
    {"carga", "carga_1"},
    {"cpu_robado", "porcentaje_cpu_robado"},
    {"cpu_espera", "porcentaje_cpu_espera"},
    {"swap", "ROUND((swap_total - swap_libre) * 100 / NULLIF(swap_total, 0), 2)"},
    {"disco", "ROUND((disco_total - disco_libre) * 100 / NULLIF(disco_total, 0), 2)"},
    {"disco_lectura", "disco_lectura_kib_s"},
    {"disco_escritura", "disco_escritura_kib_s"},
    {"red_rx", "red_rx_kib_s"},
    {"red_tx", "red_tx_kib_s"},
}};

// A history row's columns: bucket, n, cpu min/avg/max, ram min/avg/max, procesos avg,
// then per series avg and max (avg NULL: no row of the bucket has it).
inline constexpr std::size_t kHistoryBaseColumns = 9;
inline constexpr std::size_t kHistoryColumns = kHistoryBaseColumns + 2 * kHistorySeries.size();

// Appends the parts to the SQL being built (one append each, no temporaries).
inline void append_sql(std::string& sql, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) {
    sql += part;
  }
}

}  // namespace vmpulse::hub
