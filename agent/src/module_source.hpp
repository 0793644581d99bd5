// The kernel modules' files <procfs>/cpu_<id>, <procfs>/ram_<id>, <procfs>/procesos_<id>:
// one JSON object each, in the contract's field names. A file that is missing means the
// module is not loaded; one that does not parse, lacks a field or breaks the contract's
// cross-field rules is malformed, and the sampler falls back to procfs. Pure parsers;
// ModuleReader is stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cpu_source.hpp"
#include "memory_source.hpp"
#include "process_source.hpp"
#include "result.hpp"
#include "task_sample.hpp"

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
Result<ProcessCounts> parse_module_counts(std::string_view json);

// The module's process list and the counts printed after it, from one walk of the
// kernel's task list.
struct ModuleProcesses {
  ProcessCounts counts;
  std::vector<TaskSample> tasks;
};

// The same file's "tareas": [[pid, "S", cpu_time_us, rss_kib, start_time_ns, "comm"], …]
// (kernel/procesos.c; docs/kernel.md). Every entry is checked (pid > 0, one state
// letter, unsigned integers, comm at most 64 bytes once its \u00XX escapes are turned
// back into the bytes the kernel holds) and the list must tally with the five counts:
// anything else is malformed and the caller reads /proc instead. At most 1,000,000
// entries.
Result<ModuleProcesses> parse_module_processes(std::string_view json);
Result<std::vector<TaskSample>> parse_module_tasks(std::string_view json);

class ModuleReader {
 public:
  ModuleReader(const std::string& procfs, const std::string& module_id);
  Result<CpuUsage> read_cpu() const;
  Result<Memory> read_ram() const;
  Result<ProcessCounts> read_counts() const;
  // One read of procesos_<id> for both the counts and the list: the two then agree.
  Result<ModuleProcesses> read_processes() const;
  Result<std::vector<TaskSample>> read_tasks() const;
  const std::string& cpu_path() const { return cpu_path_; }
  const std::string& ram_path() const { return ram_path_; }
  const std::string& processes_path() const { return processes_path_; }

 private:
  std::string cpu_path_, ram_path_, processes_path_;
};

}  // namespace vmpulse::agent
