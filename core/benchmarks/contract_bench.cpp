// How fast the ingest contract and the record encoding are, next to nlohmann::json
// doing less work (a DOM parse without any validation; a DOM dump), so the numbers
// show what the strict SAX parser and the hand-written encoder cost or save.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "vmpulse/contract.hpp"
#include "vmpulse/record.hpp"

namespace {

vmpulse::Record sample_record() {
  vmpulse::Record r;
  r.vm = "vm-web-01";
  r.total_ram = 7985;
  r.ram_libre = 4321;
  r.uso_ram = 3664;
  r.porcentaje_ram = 45.89;
  r.porcentaje_cpu_uso = 12.5;
  r.porcentaje_cpu_libre = 87.5;
  r.procesos_corriendo = 2;
  r.procesos_durmiendo = 180;
  r.procesos_zombie = 0;
  r.procesos_parados = 1;
  r.total_procesos = 183;
  r.hora = "2026-11-26 17:55:00";
  return r;
}

std::string batch_body(std::size_t count) {
  std::string body = "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) body += ',';
    vmpulse::append_json(body, sample_record());
  }
  return body + "]";
}

void vmpulse_parse_ingest_body(benchmark::State& state) {
  const auto body = batch_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto result = vmpulse::parse_ingest_body(body);
    if (!std::holds_alternative<std::vector<vmpulse::Record>>(result))
      state.SkipWithError("refused");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(vmpulse_parse_ingest_body)->Arg(1)->Arg(1000);

void nlohmann_dom_parse_only(benchmark::State& state) {
  const auto body = batch_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto json = nlohmann::json::parse(body);
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(nlohmann_dom_parse_only)->Arg(1)->Arg(1000);

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
