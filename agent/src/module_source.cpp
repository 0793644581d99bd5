#include "module_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vmpulse::agent {
namespace {

using nlohmann::json;

// cpu and ram print a few hundred bytes; anything far larger is not a module's file.
constexpr std::size_t kMaxModuleFile = std::size_t{64} * 1024;
// procesos lists every process, ~60 bytes each (at most ~110 with an escaped name):
// 32 MiB is several hundred thousand processes, the list's own cap is 1,000,000.
constexpr std::size_t kMaxProcessesFile = std::size_t{32} * 1024 * 1024;
constexpr std::size_t kMaxTasks = 1'000'000;
// TASK_COMM_LEN is 16 today; the contract's nombre is cut to 64 bytes anyway.
constexpr std::size_t kMaxCommBytes = 64;

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

// The whole file, at most max_bytes. The buffer grows with the file: the process
// list is usually tens of KiB, and one large up-front buffer per read would cost
// more than the read. seq_file prints the whole object on the first read(); later reads copy
// the rest of that same text, so the result is one consistent snapshot.
Result<std::string> read_module(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return Failure{"cannot open " + path + ": " + errno_text(error), error == ENOENT};
  }
  std::string text(std::min<std::size_t>(kMaxModuleFile, max_bytes + 1), '\0');
  std::size_t used = 0;
  while (used <= max_bytes) {
    if (used == text.size()) {
      text.resize(std::min(text.size() * 2, max_bytes + 1));
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return fail("cannot read " + path + ": " + errno_text(error));
    }
    if (n == 0) {
      break;
    }
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (used > max_bytes) {
    return fail(path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  text.resize(used);
  return text;
}

// nlohmann decodes "\u00e9" to UTF-8; the module escapes single bytes of the kernel's
// name, so every code point up to U+00FF goes back to the one byte it was. That keeps
// the name byte for byte what /proc/<pid>/stat shows (the agent sanitises it later).
std::string kernel_bytes(const std::string& utf8) {
  std::string bytes;
  bytes.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if ((lead == 0xC2 || lead == 0xC3) && i + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[i + 1]);
      bytes.push_back(static_cast<char>(((lead & 0x03U) << 6U) | (next & 0x3FU)));
      ++i;
    } else {
      bytes.push_back(utf8[i]);
    }
  }
  return bytes;
}

Result<TaskSample> parse_task(const json& entry) {
  if (!entry.is_array() || entry.size() != 6) {
    return fail("is not an array of 6 values");
  }
  TaskSample task{};
  if (!entry[0].is_number_unsigned() || entry[0].get<std::uint64_t>() == 0 ||
      entry[0].get<std::uint64_t>() > std::numeric_limits<std::int32_t>::max()) {
    return fail("pid is not an integer in 1..2^31-1");
  }
  task.pid = static_cast<std::int64_t>(entry[0].get<std::uint64_t>());
  const auto* state = entry[1].get_ptr<const std::string*>();
  if (state == nullptr || state->size() != 1 ||
      std::isalpha(static_cast<unsigned char>(state->front())) == 0) {
    return fail("state is not one letter");
  }
  task.state = state->front();
  const std::pair<const char*, std::uint64_t*> numbers[] = {{"cpu_time_us", &task.cpu_time_us},
                                                            {"rss_kib", &task.rss_kib},
                                                            {"start_time", &task.start_time}};
  for (std::size_t i = 0; i < std::size(numbers); ++i) {
    const json& value = entry[i + 2];
    if (!value.is_number_unsigned()) {
      return fail(std::string(numbers[i].first) + " is not an unsigned integer");
    }
    *numbers[i].second = value.get<std::uint64_t>();
  }
  const auto* comm = entry[5].get_ptr<const std::string*>();
  if (comm == nullptr) {
    return fail("comm is not a string");
  }
  task.comm = kernel_bytes(*comm);
  if (task.comm.size() > kMaxCommBytes) {
    return fail("comm is longer than 64 bytes");
  }
  if (task.comm.find('\0') != std::string::npos) {
    return fail("comm holds a NUL byte");
  }
  return task;
}

Result<std::vector<TaskSample>> parse_tasks(const json& object) {
  const auto it = object.find("tareas");
  if (it == object.end()) {
    return fail("no field tareas (a module older than the process list)");
  }
  if (!it->is_array()) {
    return fail("tareas is not an array");
  }
  if (it->size() > kMaxTasks) {
    return fail("tareas has more than 1000000 entries");
  }
  std::vector<TaskSample> tasks;
  tasks.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto task = parse_task((*it)[i]);
    if (auto* failure = failure_of(task)) {
      return fail("tareas[" + std::to_string(i) + "]: " + failure->message);
    }
    tasks.push_back(std::move(std::get<TaskSample>(task)));
  }
  return tasks;
}

std::string describe(const ProcessCounts& c) {
  return std::to_string(c.total) + " (R " + std::to_string(c.running) + ", S " +
         std::to_string(c.sleeping) + ", Z " + std::to_string(c.zombie) + ", T " +
         std::to_string(c.stopped) + ")";
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

namespace {

Result<ProcessCounts> counts_of(const json& object) {
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

}  // namespace

Result<ProcessCounts> parse_module_counts(std::string_view text) {
  auto parsed = parse_object(text);
  if (auto* failure = failure_of(parsed)) {
    return *failure;
  }
  return counts_of(std::get<json>(parsed));
}

Result<ModuleProcesses> parse_module_processes(std::string_view text) {
  auto parsed = parse_object(text);
  if (auto* failure = failure_of(parsed)) {
    return *failure;
  }
  const json& object = std::get<json>(parsed);
  auto counts = counts_of(object);
  if (auto* failure = failure_of(counts)) {
    return *failure;
  }
  auto tasks = parse_tasks(object);
  if (auto* failure = failure_of(tasks)) {
    return *failure;
  }
  ModuleProcesses result{std::get<ProcessCounts>(counts),
                         std::move(std::get<std::vector<TaskSample>>(tasks))};
  // The module counts during the walk that prints the list; a file where the two
  // disagree was not written by it.
  ProcessCounts tally;
  for (const TaskSample& task : result.tasks) {
    count_process_state(tally, task.state);
  }
  if (tally != result.counts) {
    return fail("tareas tally to " + describe(tally) + " but the counts say " +
                describe(result.counts));
  }
  return result;
}

Result<std::vector<TaskSample>> parse_module_tasks(std::string_view text) {
  auto processes = parse_module_processes(text);
  if (auto* failure = failure_of(processes)) {
    return *failure;
  }
  return std::move(std::get<ModuleProcesses>(processes).tasks);
}

ModuleReader::ModuleReader(const std::string& procfs, const std::string& module_id)
    : cpu_path_(procfs + "/cpu_" + module_id),
      ram_path_(procfs + "/ram_" + module_id),
      processes_path_(procfs + "/procesos_" + module_id) {}

namespace {

template <class T>
Result<T> read_and_parse(const std::string& path, Result<T> (*parse)(std::string_view),
                         std::size_t max_bytes = kMaxModuleFile) {
  auto text = read_module(path, max_bytes);
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
Result<ProcessCounts> ModuleReader::read_counts() const {
  return read_and_parse(processes_path_, &parse_module_counts, kMaxProcessesFile);
}
Result<ModuleProcesses> ModuleReader::read_processes() const {
  return read_and_parse(processes_path_, &parse_module_processes, kMaxProcessesFile);
}
Result<std::vector<TaskSample>> ModuleReader::read_tasks() const {
  return read_and_parse(processes_path_, &parse_module_tasks, kMaxProcessesFile);
}

}  // namespace vmpulse::agent
