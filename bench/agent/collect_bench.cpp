// The agent's collection against the floor: a tight C loop that opens and reads the
// same /proc files and does nothing else. The target is agent ≤ 1.5× floor, for the
// process scan alone and for a whole collection (stat, meminfo, every <pid>/stat).
//   vmpulse_agent_bench [--extra-processes=N] [Google Benchmark flags]
// --extra-processes forks N children that sleep in pause() for the run (they die with
// this process), to measure the scan at a busier machine's process count.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "collector.hpp"
#include "process_source.hpp"

namespace {

// The floor: open, read into a stack buffer, close; no parsing.
std::size_t read_file_at(int dir_fd, const char* path) {
  char buffer[512];
  const int fd = ::openat(dir_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  benchmark::DoNotOptimize(buffer);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::size_t floor_scan() {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) {
    return 0;
  }
  std::size_t bytes = 0;
  char path[300];  // d_name is at most 255 bytes
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
      continue;
    }
    std::snprintf(path, sizeof path, "%s/stat", entry->d_name);
    bytes += read_file_at(::dirfd(dir), path);
  }
  ::closedir(dir);
  return bytes;
}

std::size_t floor_read_whole(const char* path) {
  char buffer[4096];
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  std::size_t total = 0;
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  benchmark::DoNotOptimize(buffer);
  return total;
}

void BM_FloorProcessScan(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(floor_scan());
  }
}

void BM_AgentProcessScan(benchmark::State& state) {
  std::int64_t processes = 0;
  for (auto _ : state) {
    auto scan = vmpulse::agent::scan_processes("/proc");
    benchmark::DoNotOptimize(scan);
    processes = std::get<vmpulse::agent::ProcessScan>(scan).counts.total;
  }
  state.counters["processes"] = static_cast<double>(processes);
}

void BM_FloorCollection(benchmark::State& state) {
  for (auto _ : state) {
    // /proc/stat's first 4 KiB as the agent reads it; meminfo whole; every process.
    char buffer[4096];
    const int fd = ::open("/proc/stat", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      benchmark::DoNotOptimize(::read(fd, buffer, sizeof buffer));
      ::close(fd);
    }
    benchmark::DoNotOptimize(floor_read_whole("/proc/meminfo"));
    benchmark::DoNotOptimize(floor_scan());
  }
}

void BM_AgentCollection(benchmark::State& state) {
  // Without kernel modules loaded the module files are missing: their failed opens are
  // part of what the agent pays per collection.
  vmpulse::agent::Collector collector({"/proc", "so1", "bench", vmpulse::agent::Clock{}});
  for (auto _ : state) {
    benchmark::DoNotOptimize(collector.collect());
  }
}

BENCHMARK(BM_FloorProcessScan)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentProcessScan)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FloorCollection)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentCollection)->Unit(benchmark::kMicrosecond);

std::vector<pid_t> spawn_sleepers(long count) {
  std::vector<pid_t> children;
  for (long i = 0; i < count; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::pause();
      ::_exit(0);
    }
    if (pid > 0) {
      children.push_back(pid);
    }
  }
  return children;
}

}  // namespace

int main(int argc, char** argv) {
  long extra = 0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--extra-processes=", 18) == 0) {
      extra = std::strtol(argv[i] + 18, nullptr, 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  spdlog::set_level(spdlog::level::warn);  // the collector says where values come from at info
  const std::vector<pid_t> children = spawn_sleepers(extra);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const pid_t child : children) {
    ::kill(child, SIGKILL);
  }
  for (const pid_t child : children) {
    ::waitpid(child, nullptr, 0);
  }
  return 0;
}
