// The kernel modules' files <procfs>/cpu_<id>, <procfs>/ram_<id>, <procfs>/procesos_<id>:
// one JSON object each, in the contract's field names. A file that is missing means the
// module is not loaded; one that does not parse, lacks a field or breaks the contract's
// cross-field rules is malformed, and the sampler falls back to procfs. Pure parsers;
// ModuleReader is stateless.
#pragma once

#include <string>
#include <string_view>

#include "cpu_source.hpp"
#include "memory_source.hpp"
#include "process_source.hpp"
#include "result.hpp"

namespace vmpulse::agent {

// {"porcentaje_cpu_uso":…, "porcentaje_cpu_libre":…, …}; other fields (the module's
// cumulative counters) are ignored. The two shares must add up to 100 (±1); the free
// share is then restated as 100 - used so that the record's sum is exact.
Result<CpuUsage> parse_module_cpu(std::string_view json);

// {"total_ram":…, "ram_libre":…, "uso_ram":…, "porcentaje_ram":…} in MiB. uso_ram +
// ram_libre must be total_ram within 1% (or 2 MiB), each ≤ total_ram.
Result<Memory> parse_module_ram(std::string_view json);

// {"procesos_corriendo", "total_procesos", "procesos_durmiendo", "procesos_zombie",
// "procesos_parados"}: integers ≥ 0, each state ≤ total_procesos.
Result<ProcessCounts> parse_module_procesos(std::string_view json);

class ModuleReader {
 public:
  ModuleReader(const std::string& procfs, const std::string& module_id);
  Result<CpuUsage> read_cpu() const;
  Result<Memory> read_ram() const;
  Result<ProcessCounts> read_procesos() const;
  const std::string& cpu_path() const { return cpu_path_; }
  const std::string& ram_path() const { return ram_path_; }
  const std::string& procesos_path() const { return procesos_path_; }

 private:
  std::string cpu_path_, ram_path_, procesos_path_;
};

}  // namespace vmpulse::agent
