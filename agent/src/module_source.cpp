#include "module_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

#include "proc_file.hpp"

namespace vmpulse::agent {
namespace {

using nlohmann::json;

// A module prints a few hundred bytes; anything far larger is not a module's file.
constexpr std::size_t kMaxModuleFile = std::size_t{64} * 1024;

Result<json> parse_object(std::string_view text) {
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return fail("not valid JSON");
  }
  if (!value.is_object()) {
    return fail("not a JSON object");
  }
  return value;
}

Result<double> percent_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) {
    return fail(std::string("no field ") + name);
  }
  if (!it->is_number()) {
    return fail(std::string(name) + " is not a number");
  }
  const double value = it->get<double>();
  if (!(value >= 0.0 && value <= 100.0)) {
    return fail(std::string(name) + " is outside 0-100");
  }
  return value;
}

Result<std::int64_t> count_field(const json& object, const char* name, std::int64_t max) {
  const auto it = object.find(name);
  if (it == object.end()) {
    return fail(std::string("no field ") + name);
  }
  if (it->is_number_unsigned()) {
    const auto value = it->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(max)) {
      return fail(std::string(name) + " is too large");
    }
    return static_cast<std::int64_t>(value);
  }
  if (it->is_number_integer()) {
    return fail(std::string(name) + " is negative");
  }
  return fail(std::string(name) + " is not an integer");
}

template <class T>
Result<T> with_path(const std::string& path, Result<T> result) {
  if (auto* failure = std::get_if<Failure>(&result)) {
    failure->message = path + ": " + failure->message;
  }
  return result;
}

Result<std::string> read_module(const std::string& path) {
  return read_text_file(path, kMaxModuleFile);
}

}  // namespace

Result<CpuUsage> parse_module_cpu(std::string_view text) {
  auto parsed = parse_object(text);
  if (auto* failure = failure_of(parsed)) {
    return *failure;
  }
  const json& object = std::get<json>(parsed);
  auto used = percent_field(object, "porcentaje_cpu_uso");
  if (auto* failure = failure_of(used)) {
    return *failure;
  }
  auto free = percent_field(object, "porcentaje_cpu_libre");
  if (auto* failure = failure_of(free)) {
    return *failure;
  }
  if (std::fabs(std::get<double>(used) + std::get<double>(free) - 100.0) > 1.0) {
    return fail("porcentaje_cpu_uso + porcentaje_cpu_libre is not 100");
  }
  return usage_from_percent(std::get<double>(used));
}

Result<Memory> parse_module_ram(std::string_view text) {
  auto parsed = parse_object(text);
  if (auto* failure = failure_of(parsed)) {
    return *failure;
  }
  const json& object = std::get<json>(parsed);
  constexpr std::int64_t kMaxMib = (std::int64_t{1} << 53) - 1;  // the contract's maximum
  Memory memory;
  const std::pair<const char*, std::int64_t*> fields[] = {{"total_ram", &memory.total_mib},
                                                          {"ram_libre", &memory.available_mib},
                                                          {"uso_ram", &memory.used_mib}};
  for (const auto& [name, slot] : fields) {
    auto value = count_field(object, name, kMaxMib);
    if (auto* failure = failure_of(value)) {
      return *failure;
    }
    *slot = std::get<std::int64_t>(value);
  }
  auto percent = percent_field(object, "porcentaje_ram");
  if (auto* failure = failure_of(percent)) {
    return *failure;
  }
  if (memory.available_mib > memory.total_mib) {
    return fail("ram_libre is greater than total_ram");
  }
  if (memory.used_mib > memory.total_mib) {
    return fail("uso_ram is greater than total_ram");
  }
  const std::int64_t slack = std::max<std::int64_t>(2, memory.total_mib / 100);
  if (std::abs(memory.used_mib + memory.available_mib - memory.total_mib) > slack) {
    return fail("uso_ram + ram_libre is not total_ram");
  }
  memory.used_percent = std::round(std::get<double>(percent) * 100.0) / 100.0;
  return memory;
}

Result<ProcessCounts> parse_module_procesos(std::string_view text) {
  auto parsed = parse_object(text);
  if (auto* failure = failure_of(parsed)) {
    return *failure;
  }
  const json& object = std::get<json>(parsed);
  constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();
  ProcessCounts counts;
  const std::pair<const char*, std::int64_t*> fields[] = {{"procesos_corriendo", &counts.running},
                                                          {"total_procesos", &counts.total},
                                                          {"procesos_durmiendo", &counts.sleeping},
                                                          {"procesos_zombie", &counts.zombie},
                                                          {"procesos_parados", &counts.stopped}};
  for (const auto& [name, slot] : fields) {
    auto value = count_field(object, name, kMaxCount);
    if (auto* failure = failure_of(value)) {
      return *failure;
    }
    *slot = std::get<std::int64_t>(value);
  }
  for (const auto& [name, slot] : fields) {
    if (*slot > counts.total) {
      return fail(std::string(name) + " is greater than total_procesos");
    }
  }
  return counts;
}

ModuleReader::ModuleReader(const std::string& procfs, const std::string& module_id)
    : cpu_path_(procfs + "/cpu_" + module_id),
      ram_path_(procfs + "/ram_" + module_id),
      procesos_path_(procfs + "/procesos_" + module_id) {}

namespace {

template <class T>
Result<T> read_and_parse(const std::string& path, Result<T> (*parse)(std::string_view)) {
  auto text = read_module(path);
  if (auto* failure = failure_of(text)) {
    return *failure;
  }
  return with_path(path, parse(std::get<std::string>(text)));
}

}  // namespace

Result<CpuUsage> ModuleReader::read_cpu() const {
  return read_and_parse(cpu_path_, &parse_module_cpu);
}
Result<Memory> ModuleReader::read_ram() const {
  return read_and_parse(ram_path_, &parse_module_ram);
}
Result<ProcessCounts> ModuleReader::read_procesos() const {
  return read_and_parse(procesos_path_, &parse_module_procesos);
}

}  // namespace vmpulse::agent
