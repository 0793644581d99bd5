// The alert engine's cost per row (bench/hub/alerts.sh prints the table): observe() on
// 5,000 VMs' rows with the shipped rules and with 100 rules, next to the floor of what
// the hub already does for every row without alerts (from_row, which encodes the
// record's JSON, LiveState::apply, and the row's share of the batch's records message).
// Rows go in poll-sized batches (1,250 rows: 5,000 VMs × 1 row/s at the 250 ms poll).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alert_engine.hpp"
#include "live_state.hpp"
#include "messages.hpp"
#include "rows.hpp"
#include "vmpulse/record.hpp"

using namespace vmpulse::hub;

namespace {

constexpr std::size_t kVms = 5000;
constexpr std::size_t kBatch = 1250;
constexpr std::int64_t kStart = 1'796'450'400;  // 2026-12-05 06:00:00 UTC

std::string vm_name(std::size_t i) {
  char name[16];
  std::snprintf(name, sizeof name, "vm-%04zu", i);
  return name;
}

// One row as MySQL returns it: a version 2 record (every numeric field, no procesos_top).
// One VM in 20 runs hot (CPU 98 %, RAM 93 %, 12 zombies), so the steady state has
// alerts firing and the rules' "already active" path is timed.
vmpulse::db::Row text_row(std::size_t vm, std::int64_t second) {
  const bool hot = vm % 20 == 0;
  const double cpu = hot ? 98.0 : 20.0 + static_cast<double>(vm % 50);
  char cpu_text[16];
  std::snprintf(cpu_text, sizeof cpu_text, "%.2f", cpu);
  char free_text[16];
  std::snprintf(free_text, sizeof free_text, "%.2f", 100.0 - cpu);
  const std::pair<std::string_view, std::string> cells[] = {
      {"id", std::to_string(1000 + vm)},
      {"vm", vm_name(vm)},
      {"total_ram", "8000"},
      {"ram_libre", hot ? "560" : "4000"},
      {"uso_ram", hot ? "7440" : "4000"},
      {"porcentaje_ram", hot ? "93.00" : "50.00"},
      {"porcentaje_cpu_uso", cpu_text},
      {"porcentaje_cpu_libre", free_text},
      {"procesos_corriendo", "3"},
      {"procesos_durmiendo", "120"},
      {"procesos_zombie", hot ? "12" : "0"},
      {"procesos_parados", "0"},
      {"total_procesos", "135"},
      {"carga_1", "0.52"},
      {"carga_5", "0.40"},
      {"carga_15", "0.31"},
      {"porcentaje_cpu_robado", "0.10"},
      {"porcentaje_cpu_espera", "1.20"},
      {"swap_total", "2048"},
      {"swap_libre", "2000"},
      {"disco_total", "51200"},
      {"disco_libre", "20480"},
      {"disco_lectura_kib_s", "12.50"},
      {"disco_escritura_kib_s", "80.25"},
      {"red_rx_kib_s", "3.40"},
      {"red_tx_kib_s", "1.10"},
      {"tiempo_activo", "86400"},
      {"hora", vmpulse::format_utc(kStart + second)},
      {"api", "cpp"}};
  vmpulse::db::Row row(kRecordColumnCount);  // procesos_top stays NULL
  for (const auto& [name, value] : cells) {
    const auto at = std::find(kRecordColumnNames.begin(), kRecordColumnNames.end(), name);
    if (at == kRecordColumnNames.end()) {
      std::fprintf(stderr, "no column %.*s\n", static_cast<int>(name.size()), name.data());
      std::abort();
    }
    row[static_cast<std::size_t>(at - kRecordColumnNames.begin())] = value;
  }
  return row;
}

std::vector<vmpulse::db::Row> text_rows(std::int64_t second) {
  std::vector<vmpulse::db::Row> rows;
  rows.reserve(kVms);
  for (std::size_t vm = 0; vm < kVms; ++vm) {
    rows.push_back(text_row(vm, second));
  }
  return rows;
}

std::vector<StoredRecord> records(std::int64_t second) {
  std::vector<StoredRecord> out;
  for (const auto& row : text_rows(second)) {
    out.push_back(std::get<StoredRecord>(from_row(row)));
  }
  return out;
}

AlertRules shipped_rules() {
  auto rules = load_alert_rules(VMPULSE_SOURCE_DIR "/config/alerts.yaml");
  if (auto* problem = std::get_if<std::string>(&rules)) {
    std::fprintf(stderr, "%s\n", problem->c_str());
    std::abort();
  }
  return std::get<AlertRules>(std::move(rules));
}

// 100 rules over every metric, one in ten with two per-VM overrides: a large file.
AlertRules hundred_rules() {
  std::string text = "vm_down: {after: 30s}\nrules:\n";
  for (int i = 0; i < 100; ++i) {
    const auto metric = kMetricColumns[static_cast<std::size_t>(i) % kMetricColumns.size()];
    text += "  - name: rule_" + std::to_string(i) + "\n    metric: " + std::string(metric) +
            "\n    threshold: " + std::to_string(90 + i % 10) +
            "\n    resolve: " + std::to_string(80 + i % 10) +
            "\n    for: " + std::to_string(1 + i % 5) + "m\n";
    if (i % 10 == 0) {
      text +=
          "    vms:\n      - match: \"vm-1*\"\n        threshold: 99\n"
          "      - match: vm-0042\n        enabled: false\n";
    }
  }
  auto rules = parse_alert_rules(text, "hundred.yaml");
  if (auto* problem = std::get_if<std::string>(&rules)) {
    std::fprintf(stderr, "%s\n", problem->c_str());
    std::abort();
  }
  return std::get<AlertRules>(std::move(rules));
}

// The hub's per-row work without alerts: parse and encode the row, update the live
// state, and the row's share of one records message per batch.
void hub_floor(benchmark::State& state) {
  const auto rows = text_rows(0);
  LiveState live;
  std::vector<StoredRecord> batch;
  batch.reserve(kBatch);
  std::size_t next = 0;
  for (auto _ : state) {
    batch.clear();
    for (std::size_t i = 0; i < kBatch; ++i) {
      auto parsed = from_row(rows[next]);
      next = (next + 1) % kVms;
      StoredRecord& record = std::get<StoredRecord>(parsed);
      live.apply(record);
      batch.push_back(std::move(record));
    }
    Message message = make_message(encode_records(batch, live.split()));
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
}
BENCHMARK(hub_floor);

// What from_row gained for alerts: every metric column through from_chars.
void metric_parse(benchmark::State& state) {
  const auto rows = text_rows(0);
  std::array<std::size_t, kMetricColumns.size()> columns{};
  for (std::size_t m = 0; m < columns.size(); ++m) {
    columns[m] = static_cast<std::size_t>(
        std::find(kRecordColumnNames.begin(), kRecordColumnNames.end(), kMetricColumns[m]) -
        kRecordColumnNames.begin());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      const auto& row = rows[next];
      next = (next + 1) % kVms;
      std::array<double, kMetricColumns.size()> metrics{};
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        const std::string& text = *row[columns[m]];
        std::from_chars(text.data(), text.data() + text.size(), metrics[m]);
      }
      benchmark::DoNotOptimize(metrics);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
}
BENCHMARK(metric_parse);

// observe() in the steady state: every VM seen, the hot ones' alerts already firing
// (two warm-up passes, the second past every `for`).
void evaluate(benchmark::State& state, AlertRules rules) {
  AlertEngine engine(std::move(rules));
  std::vector<Transition> out;
  for (const std::int64_t second : {std::int64_t{0}, std::int64_t{3600}}) {
    for (const StoredRecord& record : records(second)) {
      engine.observe(record, (kStart + second) * 1000, out);
    }
  }
  const auto rows = records(3601);
  std::size_t next = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      engine.observe(rows[next], (kStart + 3601) * 1000, out);
      next = (next + 1) % kVms;
    }
    out.clear();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
  state.counters["alerts"] = static_cast<double>(engine.active().size());
}
BENCHMARK_CAPTURE(evaluate, shipped_rules, shipped_rules());
BENCHMARK_CAPTURE(evaluate, hundred_rules, hundred_rules());

// The once-a-second VM-down timer over 5,000 VMs, none down.
void vm_down_tick(benchmark::State& state) {
  AlertEngine engine(shipped_rules());
  std::vector<Transition> out;
  for (const StoredRecord& record : records(0)) {
    engine.observe(record, kStart * 1000, out);
  }
  for (auto _ : state) {
    engine.tick(kStart * 1000 + 1000, out);
  }
  benchmark::DoNotOptimize(out);
}
BENCHMARK(vm_down_tick);

}  // namespace

BENCHMARK_MAIN();
