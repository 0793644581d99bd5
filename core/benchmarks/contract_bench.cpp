// How fast the ingest contract and the record encoding are, next to nlohmann::json
// doing less work (a DOM parse without any validation; a DOM dump), so the numbers
// show what the strict SAX parser and the hand-written encoder cost or save.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "sample_records.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/processes_json.hpp"
#include "vmpulse/record.hpp"

namespace {

using vmpulse::bench::sample_record;
using vmpulse::bench::sample_record_v2;

std::string batch_body(std::size_t count, bool v2 = false) {
  const vmpulse::Record record = v2 ? sample_record_v2() : sample_record();
  std::string body = "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) body += ',';
    vmpulse::append_json(body, record);
  }
  return body + "]";
}

void time_parse(benchmark::State& state, bool v2) {
  const auto body = batch_body(static_cast<std::size_t>(state.range(0)), v2);
  for (auto _ : state) {
    auto result = vmpulse::parse_ingest_body(body);
    if (!std::holds_alternative<std::vector<vmpulse::Record>>(result))
      state.SkipWithError("refused");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

void vmpulse_parse_ingest_body(benchmark::State& state) { time_parse(state, false); }
BENCHMARK(vmpulse_parse_ingest_body)->Arg(1)->Arg(1000);

// Route 1's share of a version 2 record: the same parse and checks for bodies of v2
// records (route 1's batches of 100, record_v2.sh).
void vmpulse_parse_ingest_body_v2(benchmark::State& state) { time_parse(state, true); }
BENCHMARK(vmpulse_parse_ingest_body_v2)->Arg(1)->Arg(100);

// procesos_top of 10 processes in the stored form (what both routes write, migration
// 009), and the hub's way back to the contract's objects (once per row its poller reads).
void vmpulse_append_processes_stored(benchmark::State& state) {
  const auto record = sample_record_v2();
  std::string out;
  for (auto _ : state) {
    out.clear();
    vmpulse::append_processes_stored(out, *record.procesos_top);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(vmpulse_append_processes_stored);

void vmpulse_append_processes_from_stored(benchmark::State& state) {
  std::string stored;
  vmpulse::append_processes_stored(stored, *sample_record_v2().procesos_top);
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (vmpulse::append_processes_from_stored(out, stored)) state.SkipWithError("refused");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stored.size()));
}
BENCHMARK(vmpulse_append_processes_from_stored);

// The peer for the way back: nlohmann parses the stored text and builds and dumps the
// objects.
void nlohmann_processes_from_stored(benchmark::State& state) {
  std::string stored;
  vmpulse::append_processes_stored(stored, *sample_record_v2().procesos_top);
  static const char* keys[] = {"pid", "nombre", "estado", "porcentaje_cpu", "ram_mib"};
  for (auto _ : state) {
    const auto rows = nlohmann::json::parse(stored);
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& row : rows) {
      nlohmann::ordered_json entry;
      for (std::size_t i = 0; i < row.size() && i < 5; ++i) entry[keys[i]] = row[i];
      out.push_back(std::move(entry));
    }
    auto text = out.dump();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(nlohmann_processes_from_stored);

void time_dom_parse(benchmark::State& state, bool v2) {
  const auto body = batch_body(static_cast<std::size_t>(state.range(0)), v2);
  for (auto _ : state) {
    auto json = nlohmann::json::parse(body);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

void nlohmann_dom_parse_only(benchmark::State& state) { time_dom_parse(state, false); }
BENCHMARK(nlohmann_dom_parse_only)->Arg(1)->Arg(1000);

void nlohmann_dom_parse_only_v2(benchmark::State& state) { time_dom_parse(state, true); }
BENCHMARK(nlohmann_dom_parse_only_v2)->Arg(1)->Arg(100);

void vmpulse_append_json(benchmark::State& state) {
  const auto record = sample_record();
  std::string out;
  for (auto _ : state) {
    out.clear();
    vmpulse::append_json(out, record);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(vmpulse_append_json);

void nlohmann_dump(benchmark::State& state) {
  const auto r = sample_record();
  for (auto _ : state) {
    nlohmann::ordered_json json = {{"vm", r.vm},
                                   {"total_ram", r.total_ram},
                                   {"ram_libre", r.ram_libre},
                                   {"uso_ram", r.uso_ram},
                                   {"porcentaje_ram", r.porcentaje_ram},
                                   {"porcentaje_cpu_uso", r.porcentaje_cpu_uso},
                                   {"porcentaje_cpu_libre", r.porcentaje_cpu_libre},
                                   {"procesos_corriendo", r.procesos_corriendo},
                                   {"procesos_durmiendo", r.procesos_durmiendo},
                                   {"procesos_zombie", r.procesos_zombie},
                                   {"procesos_parados", r.procesos_parados},
                                   {"total_procesos", r.total_procesos},
                                   {"hora", r.hora}};
    auto text = json.dump();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(nlohmann_dump);

}  // namespace

BENCHMARK_MAIN();
