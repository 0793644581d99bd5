#include "collector.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace vmpulse::agent {
namespace {

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

// A source that only procfs (or statvfs) provides: its value, or nullopt when the
// read failed (the fields it fills are then absent from the record). `annotate` adds
// what the read alone cannot tell (process_top: whether the module's list was used)
// before the change is logged.
template <class Read, class Annotate = void (*)(SourceReport&)>
auto collect_procfs(
    SourceReport& report, const std::string& hora, const Clock& clock, Read read,
    Annotate annotate = [](SourceReport&) {})
    -> std::optional<std::variant_alternative_t<0, decltype(read())>> {
  const auto started = clock.steady();
  SourceReport next = report;
  next.procfs_error.clear();
  auto value = read();
  next.ok = failure_of(value) == nullptr;
  next.from = next.ok ? Origin::procfs : Origin::none;
  if (const auto* failure = failure_of(value)) {
    next.procfs_error = failure->message;
    next.last_error = failure->message;
    next.last_error_hora = hora;
  }
  next.duration_seconds = std::chrono::duration<double>(clock.steady() - started).count();
  annotate(next);
  log_change(report, next);
  report = std::move(next);
  if (!report.ok) {
    return std::nullopt;
  }
  return std::get<0>(std::move(value));
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

// What one collection reads once for several sources: /proc/stat (cpu, cpu_wait and
// the processes' CPU shares), the module's tareas list or the /proc scan (processes and
// process_top), the uptime (the clock of the rates).
struct Collector::Reads {
  Record& record;
  Result<CpuUsage> stat;
  std::optional<Result<ModuleProcesses>> module_list;
  std::optional<Result<ProcessScan>> scan;
  Result<double> uptime;
};

// A source registered by name: the record fields it fills, where its report says the
// values come from, and how one collection reads it.
struct Collector::Source {
  const char* name;
  std::array<const char*, 5> fields;
  bool keeps_last;                               // see SourceReport::keeps_last
  std::string (*module_path)(const Collector&);  // "" when no module provides it
  std::string (*procfs_path)(const Collector&);
  void (*collect)(Collector&, Reads&, SourceReport&);
};

namespace {

// Source::keeps_last, as the table says it.
constexpr bool kKeepsLast = true;
constexpr bool kLeavesAbsent = false;

std::string no_module(const Collector& /*collector*/) { return {}; }

// A version 2 source with one reader: its value in the record, or its fields absent.
template <class Reader, class Fill>
void collect_read(SourceReport& report, Record& record, const Clock& clock, Reader& reader,
                  Fill fill) {
  if (const auto value =
          collect_procfs(report, record.hora, clock, [&] { return reader.read(); })) {
    fill(record, *value);
  }
}

// A rate (disk_io, network): measured on the uptime clock (see uptime_source.hpp).
template <class Reader>
std::optional<Throughput> collect_rate(SourceReport& report, const std::string& hora,
                                       const Clock& clock, Reader& reader,
                                       const Result<double>& uptime) {
  return collect_procfs(report, hora, clock,
                        [&]() -> Result<std::optional<Throughput>> {
                          if (failure_of(uptime) != nullptr) {
                            reader.forget();
                            return fail("no uptime to measure the interval on");
                          }
                          return reader.read(std::get<double>(uptime));
                        })
      .value_or(std::nullopt);
}

}  // namespace

// The order here is the order of /metrics/prometheus's source series. to_array: a
// table of other than kSourceCount entries does not compile.
const std::array<Collector::Source, kSourceCount> Collector::kSources = std::to_array<Source>({
    {"cpu",
     {"porcentaje_cpu_uso", "porcentaje_cpu_libre"},
     kKeepsLast,
     [](const Collector& c) { return c.modules_.cpu_path(); },
     [](const Collector& c) { return c.cpu_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) { c.collect_cpu(reads, report); }},
    {"memory",
     {"total_ram", "ram_libre", "uso_ram", "porcentaje_ram"},
     kKeepsLast,
     [](const Collector& c) { return c.modules_.ram_path(); },
     [](const Collector& c) { return c.memory_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) { c.collect_memory(reads, report); }},
    {"processes",
     {"procesos_corriendo", "procesos_durmiendo", "procesos_zombie", "procesos_parados",
      "total_procesos"},
     kKeepsLast,
     [](const Collector& c) { return c.modules_.processes_path(); },
     [](const Collector& c) { return c.processes_.path() + "/[0-9]*/stat"; },
     [](Collector& c, Reads& reads, SourceReport& report) { c.collect_processes(reads, report); }},
    {"load",
     {"carga_1", "carga_5", "carga_15"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.load_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       collect_read(report, reads.record, c.options_.clock, c.load_,
                    [](Record& r, const LoadAverage& load) {
                      r.carga_1 = load.one;
                      r.carga_5 = load.five;
                      r.carga_15 = load.fifteen;
                    });
     }},
    {"cpu_wait",
     {"porcentaje_cpu_robado", "porcentaje_cpu_espera"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.cpu_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) { c.collect_cpu_wait(reads, report); }},
    {"swap",
     {"swap_total", "swap_libre"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.swap_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       collect_read(report, reads.record, c.options_.clock, c.swap_,
                    [](Record& r, const Swap& swap) {
                      r.swap_total = swap.total_mib;
                      r.swap_libre = swap.free_mib;
                    });
     }},
    {"disk_space",
     {"disco_total", "disco_libre"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return "statvfs " + c.disk_space_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       collect_read(report, reads.record, c.options_.clock, c.disk_space_,
                    [](Record& r, const DiskSpace& space) {
                      r.disco_total = space.total_mib;
                      r.disco_libre = space.free_mib;
                    });
     }},
    {"disk_io",
     {"disco_lectura_kib_s", "disco_escritura_kib_s"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.disk_io_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       if (const auto disk = collect_rate(report, reads.record.hora, c.options_.clock, c.disk_io_,
                                          reads.uptime)) {
         reads.record.disco_lectura_kib_s = disk->in_kib_s;
         reads.record.disco_escritura_kib_s = disk->out_kib_s;
       }
     }},
    {"network",
     {"red_rx_kib_s", "red_tx_kib_s"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.network_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       if (const auto network = collect_rate(report, reads.record.hora, c.options_.clock,
                                             c.network_, reads.uptime)) {
         reads.record.red_rx_kib_s = network->in_kib_s;
         reads.record.red_tx_kib_s = network->out_kib_s;
       }
     }},
    {"uptime",
     {"tiempo_activo"},
     kLeavesAbsent,
     no_module,
     [](const Collector& c) { return c.uptime_.path(); },
     [](Collector& c, Reads& reads, SourceReport& report) {
       if (const auto uptime = collect_procfs(report, reads.record.hora, c.options_.clock,
                                              [&] { return reads.uptime; })) {
         reads.record.tiempo_activo = static_cast<std::int64_t>(*uptime);
       }
     }},
    {"process_top",
     {"procesos_top"},
     kLeavesAbsent,
     [](const Collector& c) {
       return c.options_.top == 0 ? std::string() : c.modules_.processes_path();
     },
     [](const Collector& c) {
       return c.options_.top == 0 ? std::string("off (--top 0)")
                                  : c.processes_.path() + "/[0-9]*/stat";
     },
     [](Collector& c, Reads& reads, SourceReport& report) {
       c.collect_process_top(reads, report);
     }},
});

const SourceReport* find_source(const Sample& sample, std::string_view name) {
  for (const SourceReport& report : sample.sources) {
    if (name == report.name) {
      return &report;
    }
  }
  return nullptr;
}

Collector::Collector(CollectorOptions options)
    : options_(std::move(options)),
      modules_(options_.procfs, options_.module_id),
      cpu_(options_.procfs + "/stat"),
      memory_(options_.procfs + "/meminfo"),
      processes_(options_.procfs),
      load_(options_.procfs + "/loadavg"),
      swap_(options_.procfs + "/meminfo"),
      disk_space_(options_.rootfs),
      disk_io_(options_.procfs + "/diskstats", options_.sysfs + "/block"),
      network_(options_.procfs + "/net/dev"),
      uptime_(options_.procfs + "/uptime"),
      top_(options_.top) {
  for (std::size_t i = 0; i < kSources.size(); ++i) {
    const Source& source = kSources[i];
    SourceReport& report = reports_[i];
    report.name = source.name;
    report.fields = source.fields;
    report.keeps_last = source.keeps_last;
    report.module_path = source.module_path(*this);
    report.procfs_path = source.procfs_path(*this);
  }
}

Sample Collector::collect() {
  Sample sample;
  sample.taken = options_.clock.wall();
  sample.sequence = ++sequence_;
  Record& record = sample.record;
  record.vm = options_.vm;
  if (!options_.labels.empty()) {
    record.etiquetas = options_.labels;
  }
  record.hora = format_utc(sample.taken);

  // /proc/stat is read every time, even when the module gives the usage: it is also
  // the source of steal and iowait and the basis of each process's CPU share.
  Reads reads{record, cpu_.read(), std::nullopt, std::nullopt, uptime_.read()};
  // With procesos_top on, the module's tareas list (counts and list from one read)
  // spares the /proc scan; without a usable list the scan runs even when the module
  // gives the counts: only the scan then sees each process.
  if (options_.top > 0) {
    reads.module_list = modules_.read_processes();
    if (failure_of(*reads.module_list) != nullptr) {
      reads.scan = processes_.read(tasks_, options_.units);
    }
  }
  for (std::size_t i = 0; i < kSources.size(); ++i) {
    kSources[i].collect(*this, reads, reports_[i]);
  }
  sample.sources = reports_;
  // A failed read left its reader without a reading (forget(), reset()): nothing to copy.
  sample.disks = disk_io_.disks();
  sample.interfaces = network_.interfaces();
  return sample;
}

void Collector::collect_cpu(Reads& reads, SourceReport& report) {
  const CpuUsage cpu = collect_source(
      report, last_cpu_, reads.record.hora, options_.clock, [&] { return modules_.read_cpu(); },
      [&](SourceReport&) -> const Result<CpuUsage>& { return reads.stat; });
  reads.record.porcentaje_cpu_uso = cpu.used_percent;
  reads.record.porcentaje_cpu_libre = cpu.free_percent;
}

void Collector::collect_cpu_wait(Reads& reads, SourceReport& report) {
  if (const auto shares =
          collect_procfs(report, reads.record.hora, options_.clock, [&]() -> Result<CpuShares> {
            if (const auto* failure = failure_of(reads.stat)) {
              return *failure;
            }
            return cpu_.shares().value_or(CpuShares{});
          })) {
    reads.record.porcentaje_cpu_robado = shares->steal_percent;
    reads.record.porcentaje_cpu_espera = shares->iowait_percent;
  }
}

void Collector::collect_memory(Reads& reads, SourceReport& report) {
  const Memory memory = collect_source(
      report, last_memory_, reads.record.hora, options_.clock, [&] { return modules_.read_ram(); },
      [&](SourceReport&) { return memory_.read(); });
  reads.record.total_ram = memory.total_mib;
  reads.record.ram_libre = memory.available_mib;
  reads.record.uso_ram = memory.used_mib;
  reads.record.porcentaje_ram = memory.used_percent;
}

void Collector::collect_processes(Reads& reads, SourceReport& report) {
  const ProcessCounts processes = collect_source(
      report, last_processes_, reads.record.hora, options_.clock,
      [&]() -> Result<ProcessCounts> {
        if (reads.module_list && failure_of(*reads.module_list) == nullptr) {
          return std::get<ModuleProcesses>(*reads.module_list).counts;
        }
        return modules_.read_counts();  // a module without (a valid) list still counts
      },
      [&](SourceReport& next) -> Result<ProcessCounts> {
        if (!reads.scan) {
          reads.scan = processes_.read();
        }
        if (auto* failure = failure_of(*reads.scan)) {
          return *failure;
        }
        const ProcessScan& result = std::get<ProcessScan>(*reads.scan);
        if (result.malformed > 0) {
          next.procfs_error =
              "skipped " + std::to_string(result.malformed) +
              " process stat file(s) without a state after the command name, first " +
              processes_.path() + "/" + result.first_malformed;
        }
        return result.counts;
      });
  Record& record = reads.record;
  record.procesos_corriendo = processes.running;
  record.procesos_durmiendo = processes.sleeping;
  record.procesos_zombie = processes.zombie;
  record.procesos_parados = processes.stopped;
  record.total_procesos = processes.total;
}

void Collector::collect_process_top(Reads& reads, SourceReport& report) {
  if (options_.top == 0) {
    return;
  }
  using Top = std::optional<std::vector<ProcessEntry>>;
  auto read_top = [&]() -> Result<Top> {
    std::optional<std::uint64_t> cpu_total_us;
    if (failure_of(reads.stat) == nullptr && cpu_.latest()) {
      cpu_total_us = cpu_.latest()->total() * 1'000'000 / options_.units.ticks_per_second;
    }
    const Origin origin = reads.scan ? Origin::procfs : Origin::module;
    if (origin != top_origin_) {
      // The module's start times are nanoseconds, /proc's ticks: no process would
      // match its previous sample, so the list starts afresh.
      top_ = ProcessTop(options_.top);
      top_origin_ = origin;
    }
    if (!reads.scan) {
      return top_.update(std::get<ModuleProcesses>(*reads.module_list).tasks, cpu_total_us);
    }
    if (const auto* failure = failure_of(*reads.scan)) {
      top_.update(tasks_, std::nullopt);  // the next list starts afresh
      return *failure;
    }
    return top_.update(tasks_, cpu_total_us);
  };
  // As collect_source reports a module: a missing file is no error, an unusable
  // list is logged (once, when the reason changes) with the fallback to the scan.
  auto note_module = [&](SourceReport& next) {
    const auto* failure = failure_of(*reads.module_list);
    next.module_loaded = failure == nullptr || !failure->missing;
    next.module_error = failure != nullptr && !failure->missing ? failure->message : "";
    if (failure == nullptr && next.ok) {
      next.from = Origin::module;
    }
  };
  auto top = collect_procfs(report, reads.record.hora, options_.clock, read_top, note_module);
  if (top) {
    reads.record.procesos_top = std::move(*top);
  }
}

}  // namespace vmpulse::agent
