#include "snapshot.hpp"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

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

void append_number(std::string& out, std::int64_t value) {
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

}  // namespace

std::string render_prometheus(const Sample& sample, const AgentInfo& info) {
  const Record& r = sample.record;
  std::string out;
  out.reserve(3072);
  header(out, "vmpulse_agent_info",
         "The agent's VM name, kernel module id and version (always 1).");
  out += "vmpulse_agent_info{vm=\"";
  append_label_value(out, r.vm);
  out += "\",module_id=\"";
  append_label_value(out, info.module_id);
  out += "\",version=\"";
  append_label_value(out, info.version);
  out += "\"} 1\n";
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
  static constexpr const char* kFields[3][5] = {
      {"porcentaje_cpu_uso", "porcentaje_cpu_libre", nullptr, nullptr, nullptr},
      {"total_ram", "ram_libre", "uso_ram", "porcentaje_ram", nullptr},
      {"procesos_corriendo", "procesos_durmiendo", "procesos_zombie", "procesos_parados",
       "total_procesos"}};
  for (std::size_t i = 0; i < sample.sources.size(); ++i) {
    const SourceReport& s = sample.sources[i];
    sources[s.name] = json{
        {"from", s.from == Origin::none ? json(nullptr) : json(origin_name(s.from))},
        {"ok", s.ok},
        {"duration_seconds", s.duration_seconds},
        {"module",
         {{"path", s.module_path},
          {"loaded", s.module_loaded},
          {"error", text_or_null(s.module_error)}}},
        {"procfs", {{"path", s.procfs_path}, {"error", text_or_null(s.procfs_error)}}},
        {"last_error", text_or_null(s.last_error)},
        {"last_error_hora", text_or_null(s.last_error_hora)},
    };
    for (const char* field : kFields[i]) {
      if (field != nullptr) {
        fields[field] = s.from == Origin::none ? json("last") : json(origin_name(s.from));
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

std::shared_ptr<const Snapshot> render_snapshot(Sample sample, const AgentInfo& info,
                                                const std::string& extra_prometheus) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->json = to_json(sample.record);
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
