// The agent's collection against the floor: a tight C loop that opens and reads the
// same files and does nothing else. The target is agent ≤ 1.2× floor, for the process
// scan alone and for a whole collection with the procesos_top list (stat, meminfo,
// loadavg, diskstats, net/dev, uptime, statvfs of /, every <pid>/stat; the top list
// needs no statm: rss is in stat).
//   vmpulse_agent_bench [--processes=N] [Google Benchmark flags]
// --processes forks children that sleep in pause() for the run (they die with this
// process) until /proc lists N processes, to measure at a given process count: in a
// PID namespace of its own (unshare --pid --fork --mount-proc) that count is exact.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "collector.hpp"
#include "process_source.hpp"
#include "vmpulse/metrics.hpp"
#include "vmpulse/process_metrics.hpp"

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
  // With the per-process samples procesos_top is built from, as the collector scans.
  std::vector<vmpulse::agent::TaskSample> tasks;
  const auto units = vmpulse::agent::stat_units_of_this_machine();
  for (auto _ : state) {
    auto scan = vmpulse::agent::scan_processes("/proc", &tasks, units);
    benchmark::DoNotOptimize(scan);
    processes = std::get<vmpulse::agent::ProcessScan>(scan).counts.total;
  }
  state.counters["processes"] = static_cast<double>(processes);
}

// procesos_top needs the CPU counters to have moved between two collections (no list
// otherwise), and /proc/stat moves in ticks (10 ms at USER_HZ 100): the collections
// are spaced one tick apart, untimed, as the agent's own interval spaces them.
void wait_a_tick(benchmark::State& state) {
  state.PauseTiming();
  ::usleep(11'000);
  state.ResumeTiming();
}

void BM_FloorCollection(benchmark::State& state) {
  for (auto _ : state) {
    wait_a_tick(state);
    // /proc/stat's first 4 KiB as the agent reads it; the other files whole; sysfs's
    // block directory opened (the agent looks its disks up there); every process.
    char buffer[4096];
    const int fd = ::open("/proc/stat", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      benchmark::DoNotOptimize(::read(fd, buffer, sizeof buffer));
      ::close(fd);
    }
    for (const char* path :
         {"/proc/meminfo", "/proc/loadavg", "/proc/diskstats", "/proc/net/dev", "/proc/uptime"}) {
      benchmark::DoNotOptimize(floor_read_whole(path));
    }
    struct statvfs fs {};
    benchmark::DoNotOptimize(::statvfs("/", &fs));
    const int block = ::open("/sys/block", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (block >= 0) {
      ::close(block);
    }
    benchmark::DoNotOptimize(floor_scan());
  }
}

void agent_collection(benchmark::State& state, std::size_t top) {
  // Without kernel modules loaded the module files are missing: their failed opens are
  // part of what the agent pays per collection.
  vmpulse::agent::CollectorOptions options{"/proc", "so1", "bench", vmpulse::agent::Clock{}};
  options.top = top;
  vmpulse::agent::Collector collector(options);
  double listed = 0;
  for (auto _ : state) {
    wait_a_tick(state);
    auto sample = collector.collect();
    listed +=
        sample.record.procesos_top ? static_cast<double>(sample.record.procesos_top->size()) : 0;
    benchmark::DoNotOptimize(sample);
  }
  // Entries per collection, 0 for a collection that built no list.
  state.counters["listed"] = benchmark::Counter(listed, benchmark::Counter::kAvgIterations);
}

// The default: procesos_top with --top 10.
void BM_AgentCollection(benchmark::State& state) { agent_collection(state, 10); }

// --top 0: what the list itself costs.
void BM_AgentCollectionNoTop(benchmark::State& state) { agent_collection(state, 0); }

// The agent's own process_* series (main.cpp), read and rendered once a sample next to
// the collection: what they add to each sample's work.
void BM_AgentOwnProcessSeries(benchmark::State& state) {
  vmpulse::metrics::Registry own_process;
  vmpulse::metrics::register_process_metrics(own_process);
  for (auto _ : state) {
    benchmark::DoNotOptimize(own_process.render());
  }
}

BENCHMARK(BM_FloorProcessScan)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentProcessScan)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FloorCollection)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentCollection)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentCollectionNoTop)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AgentOwnProcessSeries)->Unit(benchmark::kMicrosecond);

long processes_listed() {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) {
    return 0;
  }
  long count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    count += entry->d_name[0] >= '1' && entry->d_name[0] <= '9' ? 1 : 0;
  }
  ::closedir(dir);
  return count;
}

// Sleepers until /proc lists `target` processes (none when it already lists more).
std::vector<pid_t> spawn_sleepers(long target) {
  std::vector<pid_t> children;
  for (long missing = target - processes_listed(); missing > 0; --missing) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::pause();
      ::_exit(0);
    }
    if (pid < 0) {
      break;  // out of processes: measure at what there is
    }
    children.push_back(pid);
  }
  return children;
}

}  // namespace

int main(int argc, char** argv) {
  long target = 0;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--processes=", 12) == 0) {
      target = std::strtol(argv[i] + 12, nullptr, 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  spdlog::set_level(spdlog::level::warn);  // the collector says where values come from at info
  const std::vector<pid_t> children = spawn_sleepers(target);
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
