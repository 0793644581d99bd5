#include "collector.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace vmpulse::agent {
namespace {

enum SourceIndex : std::size_t { kCpu = 0, kMemory = 1, kProcesses = 2 };

// Logs a source's errors when they change, not every interval: a broken module would
// otherwise write one line per second forever.
void log_change(const SourceReport& before, const SourceReport& now) {
  if (now.module_error != before.module_error && !now.module_error.empty()) {
    spdlog::warn("source {}: module unusable, using procfs: {}", now.name, now.module_error);
  }
  if (now.procfs_error != before.procfs_error && !now.procfs_error.empty()) {
    spdlog::warn("source {}: {}", now.name, now.procfs_error);
  }
  if (now.ok != before.ok && before.from != Origin::none) {
    spdlog::info("source {}: {}", now.name,
                 now.ok ? "recovered" : "failed, keeping its last value");
  }
  if (now.from != before.from && now.from != Origin::none) {
    spdlog::info("source {}: values from {}", now.name, origin_name(now.from));
  }
}

// Module first (when its file exists and is well formed), then procfs; the value of
// the first reader that succeeds, or `last` when neither does.
template <class T, class ReadModule, class ReadProcfs>
T collect_source(SourceReport& report, T& last, const std::string& hora, const Clock& clock,
                 ReadModule read_module, ReadProcfs read_procfs) {
  const auto started = clock.steady();
  SourceReport next = report;
  next.module_error.clear();
  next.procfs_error.clear();
  next.ok = false;
  next.from = Origin::none;
  next.module_loaded = false;
  auto note_error = [&](const std::string& message) {
    next.last_error = message;
    next.last_error_hora = hora;
  };

  T value = last;
  auto from_module = read_module();
  if (auto* failure = failure_of(from_module)) {
    if (!failure->missing) {
      next.module_loaded = true;
      next.module_error = failure->message;
      note_error(failure->message);
    }
  } else {
    next.module_loaded = true;
    next.ok = true;
    next.from = Origin::module;
    value = std::get<T>(from_module);
  }
  if (!next.ok) {
    auto from_procfs = read_procfs(next);
    if (auto* failure = failure_of(from_procfs)) {
      next.procfs_error = failure->message;
      note_error(failure->message);
    } else {
      next.ok = true;
      next.from = Origin::procfs;
      value = std::get<T>(from_procfs);
      if (!next.procfs_error.empty()) {
        note_error(next.procfs_error);  // partial: e.g. process files skipped
      }
    }
  }
  next.duration_seconds = std::chrono::duration<double>(clock.steady() - started).count();
  log_change(report, next);
  report = std::move(next);
  if (report.ok) {
    last = value;
  }
  return value;
}

}  // namespace

const char* origin_name(Origin origin) {
  switch (origin) {
    case Origin::module:
      return "module";
    case Origin::procfs:
      return "procfs";
    case Origin::none:
      break;
  }
  return "none";
}

Collector::Collector(CollectorOptions options)
    : options_(std::move(options)),
      modules_(options_.procfs, options_.module_id),
      cpu_(options_.procfs + "/stat"),
      memory_(options_.procfs + "/meminfo"),
      processes_(options_.procfs) {
  reports_[kCpu].name = "cpu";
  reports_[kCpu].module_path = modules_.cpu_path();
  reports_[kCpu].procfs_path = cpu_.path();
  reports_[kMemory].name = "memory";
  reports_[kMemory].module_path = modules_.ram_path();
  reports_[kMemory].procfs_path = memory_.path();
  reports_[kProcesses].name = "processes";
  reports_[kProcesses].module_path = modules_.procesos_path();
  reports_[kProcesses].procfs_path = processes_.path() + "/[0-9]*/stat";
}

Sample Collector::collect() {
  Sample sample;
  sample.taken = options_.clock.wall();
  sample.sequence = ++sequence_;
  Record& record = sample.record;
  record.vm = options_.vm;
  record.hora = format_utc(sample.taken);

  const CpuUsage cpu = collect_source(
      reports_[kCpu], last_cpu_, record.hora, options_.clock, [&] { return modules_.read_cpu(); },
      [&](SourceReport&) { return cpu_.read(); });
  record.porcentaje_cpu_uso = cpu.used_percent;
  record.porcentaje_cpu_libre = cpu.free_percent;

  const Memory memory = collect_source(
      reports_[kMemory], last_memory_, record.hora, options_.clock,
      [&] { return modules_.read_ram(); }, [&](SourceReport&) { return memory_.read(); });
  record.total_ram = memory.total_mib;
  record.ram_libre = memory.available_mib;
  record.uso_ram = memory.used_mib;
  record.porcentaje_ram = memory.used_percent;

  const ProcessCounts processes = collect_source(
      reports_[kProcesses], last_processes_, record.hora, options_.clock,
      [&] { return modules_.read_procesos(); },
      [&](SourceReport& report) -> Result<ProcessCounts> {
        auto scan = processes_.read();
        if (auto* failure = failure_of(scan)) {
          return *failure;
        }
        const ProcessScan& result = std::get<ProcessScan>(scan);
        if (result.malformed > 0) {
          report.procfs_error =
              "skipped " + std::to_string(result.malformed) +
              " process stat file(s) without a state after the command name, first " +
              processes_.path() + "/" + result.first_malformed;
        }
        return result.counts;
      });
  record.procesos_corriendo = processes.running;
  record.procesos_durmiendo = processes.sleeping;
  record.procesos_zombie = processes.zombie;
  record.procesos_parados = processes.stopped;
  record.total_procesos = processes.total;

  sample.sources = reports_;
  return sample;
}

}  // namespace vmpulse::agent
