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
  auto describe = [this](SourceIndex index, const char* name, std::string module_path,
                         std::string procfs_path, std::array<const char*, 5> fields) {
    SourceReport& report = reports_[index];
    report.name = name;
    report.module_path = std::move(module_path);
    report.procfs_path = std::move(procfs_path);
    report.fields = fields;
  };
  describe(kCpu, "cpu", modules_.cpu_path(), cpu_.path(),
           {"porcentaje_cpu_uso", "porcentaje_cpu_libre"});
  describe(kMemory, "memory", modules_.ram_path(), memory_.path(),
           {"total_ram", "ram_libre", "uso_ram", "porcentaje_ram"});
  describe(kProcesses, "processes", modules_.processes_path(), processes_.path() + "/[0-9]*/stat",
           {"procesos_corriendo", "procesos_durmiendo", "procesos_zombie", "procesos_parados",
            "total_procesos"});
  describe(kLoad, "load", "", load_.path(), {"carga_1", "carga_5", "carga_15"});
  describe(kCpuWait, "cpu_wait", "", cpu_.path(),
           {"porcentaje_cpu_robado", "porcentaje_cpu_espera"});
  describe(kSwap, "swap", "", swap_.path(), {"swap_total", "swap_libre"});
  describe(kDiskSpace, "disk_space", "", "statvfs " + disk_space_.path(),
           {"disco_total", "disco_libre"});
  describe(kDiskIo, "disk_io", "", disk_io_.path(),
           {"disco_lectura_kib_s", "disco_escritura_kib_s"});
  describe(kNetwork, "network", "", network_.path(), {"red_rx_kib_s", "red_tx_kib_s"});
  describe(kUptime, "uptime", "", uptime_.path(), {"tiempo_activo"});
  describe(kProcessTop, "process_top", options_.top == 0 ? "" : modules_.processes_path(),
           options_.top == 0 ? std::string("off (--top 0)") : processes_.path() + "/[0-9]*/stat",
           {"procesos_top"});
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
  const Clock& clock = options_.clock;

  // /proc/stat is read every time, even when the module gives the usage: it is also
  // the source of steal and iowait and the basis of each process's CPU share.
  const Result<CpuUsage> stat = cpu_.read();
  const CpuUsage cpu = collect_source(
      reports_[kCpu], last_cpu_, record.hora, clock, [&] { return modules_.read_cpu(); },
      [&](SourceReport&) -> const Result<CpuUsage>& { return stat; });
  record.porcentaje_cpu_uso = cpu.used_percent;
  record.porcentaje_cpu_libre = cpu.free_percent;
  if (const auto shares =
          collect_procfs(reports_[kCpuWait], record.hora, clock, [&]() -> Result<CpuShares> {
            if (const auto* failure = failure_of(stat)) {
              return *failure;
            }
            return cpu_.shares().value_or(CpuShares{});
          })) {
    record.porcentaje_cpu_robado = shares->steal_percent;
    record.porcentaje_cpu_espera = shares->iowait_percent;
  }

  const Memory memory = collect_source(
      reports_[kMemory], last_memory_, record.hora, clock, [&] { return modules_.read_ram(); },
      [&](SourceReport&) { return memory_.read(); });
  record.total_ram = memory.total_mib;
  record.ram_libre = memory.available_mib;
  record.uso_ram = memory.used_mib;
  record.porcentaje_ram = memory.used_percent;

  // With procesos_top on, the module's tareas list (counts and list from one read)
  // spares the /proc scan; without a usable list the scan runs even when the module
  // gives the counts: only the scan then sees each process.
  std::optional<Result<ModuleProcesses>> module_list;
  std::optional<Result<ProcessScan>> scan;
  if (options_.top > 0) {
    module_list = modules_.read_processes();
    if (failure_of(*module_list) != nullptr) {
      scan = processes_.read(tasks_, options_.units);
    }
  }
  const ProcessCounts processes = collect_source(
      reports_[kProcesses], last_processes_, record.hora, clock,
      [&]() -> Result<ProcessCounts> {
        if (module_list && failure_of(*module_list) == nullptr) {
          return std::get<ModuleProcesses>(*module_list).counts;
        }
        return modules_.read_counts();  // a module without (a valid) list still counts
      },
      [&](SourceReport& report) -> Result<ProcessCounts> {
        if (!scan) {
          scan = processes_.read();
        }
        if (auto* failure = failure_of(*scan)) {
          return *failure;
        }
        const ProcessScan& result = std::get<ProcessScan>(*scan);
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
  if (options_.top > 0) {
    using Top = std::optional<std::vector<ProcessEntry>>;
    auto read_top = [&]() -> Result<Top> {
      std::optional<std::uint64_t> cpu_total_us;
      if (failure_of(stat) == nullptr && cpu_.latest()) {
        cpu_total_us = cpu_.latest()->total() * 1'000'000 / options_.units.ticks_per_second;
      }
      const Origin origin = scan ? Origin::procfs : Origin::module;
      if (origin != top_origin_) {
        // The module's start times are nanoseconds, /proc's ticks: no process would
        // match its previous sample, so the list starts afresh.
        top_ = ProcessTop(options_.top);
        top_origin_ = origin;
      }
      if (!scan) {
        return top_.update(std::get<ModuleProcesses>(*module_list).tasks, cpu_total_us);
      }
      if (const auto* failure = failure_of(*scan)) {
        top_.update(tasks_, std::nullopt);  // the next list starts afresh
        return *failure;
      }
      return top_.update(tasks_, cpu_total_us);
    };
    // As collect_source reports a module: a missing file is no error, an unusable
    // list is logged (once, when the reason changes) with the fallback to the scan.
    auto note_module = [&](SourceReport& next) {
      const auto* failure = failure_of(*module_list);
      next.module_loaded = failure == nullptr || !failure->missing;
      next.module_error = failure != nullptr && !failure->missing ? failure->message : "";
      if (failure == nullptr && next.ok) {
        next.from = Origin::module;
      }
    };
    auto top = collect_procfs(reports_[kProcessTop], record.hora, clock, read_top, note_module);
    if (top) {
      record.procesos_top = std::move(*top);
    }
  }

  if (const auto load =
          collect_procfs(reports_[kLoad], record.hora, clock, [&] { return load_.read(); })) {
    record.carga_1 = load->one;
    record.carga_5 = load->five;
    record.carga_15 = load->fifteen;
  }
  if (const auto swap =
          collect_procfs(reports_[kSwap], record.hora, clock, [&] { return swap_.read(); })) {
    record.swap_total = swap->total_mib;
    record.swap_libre = swap->free_mib;
  }
  if (const auto space = collect_procfs(reports_[kDiskSpace], record.hora, clock,
                                        [&] { return disk_space_.read(); })) {
    record.disco_total = space->total_mib;
    record.disco_libre = space->free_mib;
  }

  // The rates are measured on the uptime clock (see uptime_source.hpp).
  const auto uptime =
      collect_procfs(reports_[kUptime], record.hora, clock, [&] { return uptime_.read(); });
  if (uptime) {
    record.tiempo_activo = static_cast<std::int64_t>(*uptime);
  }
  auto rate = [&](SourceIndex index, auto& reader) {
    return collect_procfs(reports_[index], record.hora, clock,
                          [&]() -> Result<std::optional<Throughput>> {
                            if (!uptime) {
                              reader.forget();
                              return fail("no uptime to measure the interval on");
                            }
                            return reader.read(*uptime);
                          })
        .value_or(std::nullopt);
  };
  if (const auto disk = rate(kDiskIo, disk_io_)) {
    record.disco_lectura_kib_s = disk->in_kib_s;
    record.disco_escritura_kib_s = disk->out_kib_s;
  }
  if (const auto network = rate(kNetwork, network_)) {
    record.red_rx_kib_s = network->in_kib_s;
    record.red_tx_kib_s = network->out_kib_s;
  }

  sample.sources = reports_;
  return sample;
}

}  // namespace vmpulse::agent
