// vmpulse-module-tasks FILE: runs the agent's own parser (parse_module_processes) on
// a /proc/procesos_<id> file and prints what it understood, for the kernel suite to
// check the real module's output inside the QEMU guest (tests/kernel/guest-test.sh):
//
//   counts total=N corriendo=N durmiendo=N zombie=N parados=N tareas=N
//   <pid> <state> <cpu_time_us> <rss_kib> <start_time> <comm>
//
// one task per line, comm last (it may hold spaces) with '\' as "\\" and every byte
// outside 0x20..0x7e as "\xNN", so that a shell compares it as plain text.
// A file the agent would reject: the reason on stderr, exit status 1.
#include <cstdio>
#include <string>
#include <variant>

#include "module_source.hpp"

namespace {

std::string printable(const std::string& bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (byte < 0x20 || byte > 0x7e) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: vmpulse-module-tasks /proc/procesos_<id>\n", stderr);
    return 2;
  }
  const std::string path = argv[1];
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.rfind("procesos_", 0) != 0) {
    std::fputs("vmpulse-module-tasks: the file must be named procesos_<id>\n", stderr);
    return 2;
  }
  // Through ModuleReader, so that the read (size limit, growing buffer) is the agent's too.
  const vmpulse::agent::ModuleReader reader(dir, name.substr(std::string("procesos_").size()));
  auto result = reader.read_processes();
  if (const auto* failure = vmpulse::agent::failure_of(result)) {
    std::fprintf(stderr, "vmpulse-module-tasks: %s\n", failure->message.c_str());
    return 1;
  }
  const auto& processes = std::get<vmpulse::agent::ModuleProcesses>(result);
  const auto& c = processes.counts;
  std::printf(
      "counts total=%lld corriendo=%lld durmiendo=%lld zombie=%lld parados=%lld tareas=%zu\n",
      static_cast<long long>(c.total), static_cast<long long>(c.running),
      static_cast<long long>(c.sleeping), static_cast<long long>(c.zombie),
      static_cast<long long>(c.stopped), processes.tasks.size());
  for (const auto& task : processes.tasks) {
    std::printf("%lld %c %llu %llu %llu %s\n", static_cast<long long>(task.pid), task.state,
                static_cast<unsigned long long>(task.cpu_time_us),
                static_cast<unsigned long long>(task.rss_kib),
                static_cast<unsigned long long>(task.start_time), printable(task.comm).c_str());
  }
  return 0;
}
