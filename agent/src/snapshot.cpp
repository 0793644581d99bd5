#include "snapshot.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "prometheus_text.hpp"

namespace vmpulse::agent {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Prometheus floats: the shortest text that reads back as the same double.
void append_number(std::string& out, double value) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

template <class Integer>
requires std::is_integral_v<Integer>
void append_number(std::string& out, Integer value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

// Label values escape backslash, quote and newline (exposition format).
void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void header(std::string& out, const char* name, const char* help) {
  append_metric_header(out, name, "gauge", help);
}

template <class Number>
void gauge(std::string& out, const char* name, const char* help, Number value) {
  header(out, name, help);
  out += name;
  out += ' ';
  append_number(out, value);
  out += '\n';
}

template <class Number>
void labelled(std::string& out, const char* name, const char* label, std::string_view label_value,
              Number value) {
  out += name;
  out += '{';
  out += label;
  out += "=\"";
  append_label_value(out, label_value);
  out += "\"} ";
  append_number(out, value);
  out += '\n';
}

std::int64_t bytes(std::int64_t mib) {
  return static_cast<std::int64_t>(static_cast<double>(mib) * kMiB);
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

template <class Number>
void optional_gauge(std::string& out, const char* name, const char* help,
                    const std::optional<Number>& value, double scale = 1.0) {
  if (value) {
    gauge(out, name, help, static_cast<double>(*value) * scale);
  }
}

// The version 2 fields, each only when the record has it, in node_exporter's names
// and base units (bytes, seconds) so that existing dashboards' habits carry over.
void append_prometheus_v2(std::string& out, const Record& r, bool process_metrics) {
  optional_gauge(out, "vmpulse_load1", "Load average over 1 minute (carga_1).", r.carga_1);
  optional_gauge(out, "vmpulse_load5", "Load average over 5 minutes (carga_5).", r.carga_5);
  optional_gauge(out, "vmpulse_load15", "Load average over 15 minutes (carga_15).", r.carga_15);
  optional_gauge(out, "vmpulse_cpu_steal_percent",
                 "CPU time taken by the hypervisor over the last interval, percent "
                 "(porcentaje_cpu_robado).",
                 r.porcentaje_cpu_robado);
  optional_gauge(out, "vmpulse_cpu_iowait_percent",
                 "CPU time idle waiting for I/O over the last interval, percent "
                 "(porcentaje_cpu_espera).",
                 r.porcentaje_cpu_espera);
  optional_gauge(out, "vmpulse_swap_total_bytes", "Swap space (swap_total).", r.swap_total, kMiB);
  optional_gauge(out, "vmpulse_swap_free_bytes", "Swap space unused (swap_libre).", r.swap_libre,
                 kMiB);
  optional_gauge(out, "vmpulse_filesystem_size_bytes",
                 "Size of the filesystem at --rootfs (disco_total).", r.disco_total, kMiB);
  optional_gauge(out, "vmpulse_filesystem_avail_bytes",
                 "Space an unprivileged process may still use at --rootfs (disco_libre).",
                 r.disco_libre, kMiB);
  optional_gauge(out, "vmpulse_disk_read_bytes_per_second",
                 "Bytes read from the whole disks over the last interval (disco_lectura_kib_s).",
                 r.disco_lectura_kib_s, 1024.0);
  optional_gauge(out, "vmpulse_disk_written_bytes_per_second",
                 "Bytes written to the whole disks over the last interval "
                 "(disco_escritura_kib_s).",
                 r.disco_escritura_kib_s, 1024.0);
  optional_gauge(out, "vmpulse_network_receive_bytes_per_second",
                 "Bytes received by every interface but lo over the last interval "
                 "(red_rx_kib_s).",
                 r.red_rx_kib_s, 1024.0);
  optional_gauge(out, "vmpulse_network_transmit_bytes_per_second",
                 "Bytes sent by every interface but lo over the last interval (red_tx_kib_s).",
                 r.red_tx_kib_s, 1024.0);
  optional_gauge(out, "vmpulse_uptime_seconds", "Time since boot (tiempo_activo).",
                 r.tiempo_activo);
  if (!process_metrics || !r.procesos_top || r.procesos_top->empty()) {
    return;
  }
  // One series per listed process: pids come and go, so this is off by default
  // (--process-metrics) to spare a Prometheus server the churn.
  auto process_series = [&](const char* name, const char* help, auto value_of) {
    header(out, name, help);
    for (const ProcessEntry& p : *r.procesos_top) {
      out += name;
      out += "{pid=\"";
      append_number(out, p.pid);
      out += "\",name=\"";
      append_label_value(out, p.nombre);
      out += "\",state=\"";
      append_label_value(out, p.estado);
      out += "\"} ";
      append_number(out, value_of(p));
      out += '\n';
    }
  };
  process_series("vmpulse_process_cpu_percent",
                 "A procesos_top process's share of all CPUs' time over the last interval.",
                 [](const ProcessEntry& p) { return p.porcentaje_cpu; });
  process_series("vmpulse_process_resident_bytes", "A procesos_top process's resident memory.",
                 // From the record's ram_mib (two decimals), to whole bytes.
                 [](const ProcessEntry& p) {
                   return static_cast<std::int64_t>(std::llround(p.ram_mib * kMiB));
                 });
}

// Per-device counters since boot, in node_exporter's shape (node_disk_read_bytes_total,
// node_network_receive_bytes_total, … {device}): counters, not the record's rates, so a
// scrape interval of any length loses nothing (rate() in PromQL). The devices are the
// record's: whole disks, every interface but lo. A host with hundreds of container
// interfaces would make as many series: at most kMaxDeviceSeries of each kind, the ones
// that moved the most bytes since boot (the host's own NIC, which carries every
// container's traffic, rather than the first names: Calico's cali* sort before eth0).
constexpr std::size_t kMaxDeviceSeries = 64;

// The devices to serve, in name order: all of them, or the kMaxDeviceSeries busiest.
std::vector<const DeviceCounters*> served_devices(const std::vector<DeviceCounters>& devices) {
  std::vector<const DeviceCounters*> chosen;
  chosen.reserve(devices.size());
  for (const DeviceCounters& device : devices) {
    chosen.push_back(&device);
  }
  if (chosen.size() > kMaxDeviceSeries) {
    const auto bytes = [](const DeviceCounters* d) {
      return d->in > std::numeric_limits<std::uint64_t>::max() - d->out
                 ? std::numeric_limits<std::uint64_t>::max()
                 : d->in + d->out;
    };
    std::nth_element(chosen.begin(), chosen.begin() + kMaxDeviceSeries, chosen.end(),
                     [&bytes](const DeviceCounters* a, const DeviceCounters* b) {
                       return bytes(a) != bytes(b) ? bytes(a) > bytes(b) : a->name < b->name;
                     });
    chosen.resize(kMaxDeviceSeries);
    std::sort(chosen.begin(), chosen.end(),
              [](const DeviceCounters* a, const DeviceCounters* b) { return a->name < b->name; });
  }
  return chosen;
}

void device_counters(std::string& out, const char* name, const char* help,
                     const std::vector<const DeviceCounters*>& devices, bool in,
                     std::uint64_t unit_bytes) {
  if (devices.empty()) {
    return;
  }
  append_metric_header(out, name, "counter", help);
  for (const DeviceCounters* served : devices) {
    const DeviceCounters& device = *served;
    const std::uint64_t count = in ? device.in : device.out;
    // Whole bytes as an integer (what the kernel counts), a float only past 2^64 bytes.
    if (count <= std::numeric_limits<std::uint64_t>::max() / unit_bytes) {
      labelled(out, name, "device", device.name, count * unit_bytes);
    } else {
      labelled(out, name, "device", device.name,
               static_cast<double>(count) * static_cast<double>(unit_bytes));
    }
  }
}

void append_device_series(std::string& out, const Sample& sample) {
  constexpr std::uint64_t kSector = 512;  // diskstats counts 512-byte sectors whatever the disk's
  const auto disks = served_devices(sample.disks);
  const auto interfaces = served_devices(sample.interfaces);
  device_counters(out, "vmpulse_disk_read_bytes_total",
                  "Bytes read from a whole disk since boot (/proc/diskstats).", disks, true,
                  kSector);
  device_counters(out, "vmpulse_disk_written_bytes_total",
                  "Bytes written to a whole disk since boot (/proc/diskstats).", disks, false,
                  kSector);
  device_counters(out, "vmpulse_network_receive_bytes_total",
                  "Bytes received by an interface since boot (/proc/net/dev; not lo).", interfaces,
                  true, 1);
  device_counters(out, "vmpulse_network_transmit_bytes_total",
                  "Bytes sent by an interface since boot (/proc/net/dev; not lo).", interfaces,
                  false, 1);
}

}  // namespace

std::string render_prometheus(const Sample& sample, const AgentInfo& info) {
  const Record& r = sample.record;
  std::string out;
  out.reserve(6144);
  header(out, "vmpulse_agent_info",
         "The agent's VM name, kernel module id and version (always 1).");
  out += "vmpulse_agent_info{vm=\"";
  append_label_value(out, r.vm);
  out += "\",module_id=\"";
  append_label_value(out, info.module_id);
  out += "\",version=\"";
  append_label_value(out, info.version);
  out += "\"} 1\n";
  if (r.etiquetas && !r.etiquetas->empty()) {
    // One label per pair, named label_<key> (as kube-state-metrics names node labels) so
    // that a key such as `vm` cannot clash; the contract's keys are valid label names.
    header(out, "vmpulse_agent_labels", "The VM's labels (--label, the records' etiquetas).");
    out += "vmpulse_agent_labels{vm=\"";
    append_label_value(out, r.vm);
    for (const auto& [key, value] : *r.etiquetas) {
      out += "\",label_";
      out += key;
      out += "=\"";
      append_label_value(out, value);
    }
    out += "\"} 1\n";
  }
  gauge(out, "vmpulse_sample_timestamp_seconds", "When the served sample was taken, Unix time.",
        std::chrono::duration<double>(sample.taken.time_since_epoch()).count());
  gauge(out, "vmpulse_cpu_used_percent",
        "CPU time not idle over the last interval, percent (porcentaje_cpu_uso).",
        r.porcentaje_cpu_uso);
  gauge(out, "vmpulse_cpu_free_percent",
        "CPU time idle over the last interval, percent (porcentaje_cpu_libre).",
        r.porcentaje_cpu_libre);
  gauge(out, "vmpulse_memory_total_bytes", "Memory the kernel manages (total_ram).",
        bytes(r.total_ram));
  gauge(out, "vmpulse_memory_available_bytes", "Memory available without swapping (ram_libre).",
        bytes(r.ram_libre));
  gauge(out, "vmpulse_memory_used_bytes", "Total minus available memory (uso_ram).",
        bytes(r.uso_ram));
  gauge(out, "vmpulse_memory_used_percent",
        "Used memory as a share of the total, percent (porcentaje_ram).", r.porcentaje_ram);
  header(out, "vmpulse_processes",
         "Processes in a state: running, sleeping (S, D, I), zombie, stopped (T, t).");
  labelled(out, "vmpulse_processes", "state", "running", r.procesos_corriendo);
  labelled(out, "vmpulse_processes", "state", "sleeping", r.procesos_durmiendo);
  labelled(out, "vmpulse_processes", "state", "zombie", r.procesos_zombie);
  labelled(out, "vmpulse_processes", "state", "stopped", r.procesos_parados);
  gauge(out, "vmpulse_processes_all", "Processes in any state (total_procesos).", r.total_procesos);
  append_prometheus_v2(out, r, info.process_metrics);
  append_device_series(out, sample);

  header(out, "vmpulse_source_success",
         "Whether the source's last collection succeeded (1) or kept an old value (0).");
  for (const SourceReport& s : sample.sources) {
    labelled(out, "vmpulse_source_success", "source", s.name, std::int64_t{s.ok ? 1 : 0});
  }
  header(out, "vmpulse_source_module",
         "Whether the source's value came from the kernel module (1) or procfs (0).");
  for (const SourceReport& s : sample.sources) {
    labelled(out, "vmpulse_source_module", "source", s.name,
             std::int64_t{s.from == Origin::module ? 1 : 0});
  }
  header(out, "vmpulse_source_duration_seconds", "How long the source's last collection took.");
  for (const SourceReport& s : sample.sources) {
    labelled(out, "vmpulse_source_duration_seconds", "source", s.name, s.duration_seconds);
  }
  return out;
}

std::string render_sources(const Sample& sample) {
  using nlohmann::json;
  json sources = json::object();
  json fields = json::object();
  for (const SourceReport& s : sample.sources) {
    sources[s.name] = json{
        {"from", s.from == Origin::none ? json(nullptr) : json(origin_name(s.from))},
        {"ok", s.ok},
        {"duration_seconds", s.duration_seconds},
        // Sources no module provides have null here.
        {"module", s.module_path.empty() ? json(nullptr)
                                         : json{{"path", s.module_path},
                                                {"loaded", s.module_loaded},
                                                {"error", text_or_null(s.module_error)}}},
        {"procfs", {{"path", s.procfs_path}, {"error", text_or_null(s.procfs_error)}}},
        {"last_error", text_or_null(s.last_error)},
        {"last_error_hora", text_or_null(s.last_error_hora)},
    };
    // A failed source keeps the last value of a required field; a version 2 field is
    // then absent from the record.
    const char* failed = s.keeps_last ? "last" : "absent";
    for (const char* field : s.fields) {
      if (field != nullptr) {
        fields[field] = s.from == Origin::none ? json(failed) : json(origin_name(s.from));
      }
    }
  }
  json out = {{"vm", sample.record.vm},
              {"hora", sample.record.hora},
              {"sequence", sample.sequence},
              {"fields", fields},
              {"sources", sources}};
  return out.dump(2) + "\n";
}

std::shared_ptr<const Snapshot> render_snapshot(Sample sample, std::string record_json,
                                                const AgentInfo& info,
                                                const std::string& extra_prometheus) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->json = std::move(record_json);
  snapshot->prometheus = render_prometheus(sample, info);
  snapshot->prometheus += extra_prometheus;
  snapshot->sources = render_sources(sample);
  snapshot->json_answer =
      http::PreparedResponse::make(http::Response::json(200, snapshot->json), kServerName);
  snapshot->prometheus_answer = http::PreparedResponse::make(
      http::Response::text(200, snapshot->prometheus, kPrometheusContentType), kServerName);
  snapshot->sources_answer =
      http::PreparedResponse::make(http::Response::json(200, snapshot->sources), kServerName);
  snapshot->sample = std::move(sample);
  return snapshot;
}

void SnapshotStore::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  latest_.swap(snapshot);
  // The old snapshot is released after the lock, by `snapshot`'s destructor.
}

std::shared_ptr<const Snapshot> SnapshotStore::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

}  // namespace vmpulse::agent
