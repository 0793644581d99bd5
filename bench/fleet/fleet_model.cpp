#include "fleet_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace vmpulse::fleet {
namespace {

// splitmix64: a well-mixed 64-bit value from any key, so each (VM, second) has its own
// noise without a generator per VM.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A uniform value in [0, 1) from a key.
double unit(std::uint64_t key) { return static_cast<double>(mix(key) >> 11) * 0x1.0p-53; }

double round2(double value) { return std::round(value * 100.0) / 100.0; }

constexpr std::array<std::int64_t, 5> kRamSizes{1024, 2048, 4096, 8192, 16384};
constexpr std::array<const char*, 6> kProcessNames{"postgres", "nginx", "java",
                                                   "python3",  "sshd",  "systemd"};

}  // namespace

std::string vm_name(const std::string& prefix, std::size_t index, std::size_t count) {
  const std::size_t width = std::max<std::size_t>(std::to_string(count).size(), 1);
  std::string digits = std::to_string(index);
  return prefix + "-" + std::string(width > digits.size() ? width - digits.size() : 0, '0') +
         digits;
}

Record sample(const std::string& vm, std::size_t index, std::uint64_t second,
              std::chrono::system_clock::time_point start, std::size_t top) {
  const std::uint64_t id = mix(index + 1);
  const std::uint64_t key = mix(id ^ (second * 0x100000001B3ULL));
  const double t = static_cast<double>(second);
  // Per VM: a base CPU, a wave of its own period and phase, a RAM size and use.
  const double base_cpu = 3.0 + 60.0 * unit(id ^ 1);
  const double period = 60.0 + 540.0 * unit(id ^ 2);
  const double phase = 2.0 * std::numbers::pi * unit(id ^ 3);
  const double wave = 15.0 * std::sin(2.0 * std::numbers::pi * t / period + phase);
  const double cpu = std::clamp(base_cpu + wave + 10.0 * (unit(key ^ 4) - 0.5), 0.0, 100.0);

  Record r;
  r.vm = vm;
  r.total_ram = kRamSizes[mix(id ^ 5) % kRamSizes.size()];
  const double ram_share = std::clamp(
      0.2 + 0.6 * unit(id ^ 6) + 0.05 * std::sin(t / 900.0 + phase) + 0.01 * unit(key ^ 7), 0.02,
      0.98);
  r.uso_ram = static_cast<std::int64_t>(static_cast<double>(r.total_ram) * ram_share);
  r.ram_libre = r.total_ram - r.uso_ram;
  r.porcentaje_ram =
      round2(100.0 * static_cast<double>(r.uso_ram) / static_cast<double>(r.total_ram));
  r.porcentaje_cpu_uso = round2(cpu);
  r.porcentaje_cpu_libre = round2(100.0 - r.porcentaje_cpu_uso);
  r.procesos_corriendo = 1 + static_cast<std::int64_t>(cpu / 25.0);
  r.procesos_durmiendo = 80 + static_cast<std::int64_t>(mix(id ^ 8) % 200) +
                         static_cast<std::int64_t>(mix(key ^ 9) % 5);
  r.procesos_zombie = mix(key ^ 10) % 500 == 0 ? 1 : 0;
  r.procesos_parados = 0;
  r.total_procesos =
      r.procesos_corriendo + r.procesos_durmiendo + r.procesos_zombie + r.procesos_parados;
  const double cores = static_cast<double>(1 + mix(id ^ 11) % 8);
  r.carga_1 = round2(cores * cpu / 100.0 + 0.2 * unit(key ^ 12));
  r.carga_5 = round2(cores * std::max(base_cpu + wave, 0.0) / 100.0);
  r.carga_15 = round2(cores * base_cpu / 100.0);
  r.porcentaje_cpu_robado = round2(0.5 * unit(key ^ 13));
  r.porcentaje_cpu_espera = round2(2.0 * unit(key ^ 14));
  r.swap_total = 2048;
  r.swap_libre = 2048 - static_cast<std::int64_t>(mix(id ^ 15) % 256);
  r.disco_total = 20480 + static_cast<std::int64_t>(mix(id ^ 16) % 8) * 10240;
  // The disk fills slowly, a MiB a minute or so.
  r.disco_libre =
      std::max<std::int64_t>(*r.disco_total / 2 - static_cast<std::int64_t>(second / 60), 0);
  r.disco_lectura_kib_s = round2(400.0 * unit(key ^ 17));
  r.disco_escritura_kib_s = round2(800.0 * unit(key ^ 18) * cpu / 50.0);
  r.red_rx_kib_s = round2(50.0 + 500.0 * unit(key ^ 19));
  r.red_tx_kib_s = round2(20.0 + 300.0 * unit(key ^ 20));
  r.tiempo_activo = static_cast<std::int64_t>(3600 + mix(id ^ 21) % 864000 + second);
  if (top > 0) {
    std::vector<ProcessEntry> list;
    double left = cpu;
    for (std::size_t i = 0; i < top; ++i) {
      const double share = round2(left * (0.3 + 0.4 * unit(key ^ (100 + i))));
      left -= share;
      list.push_back(ProcessEntry{static_cast<std::int64_t>(100 + i * 37 + mix(id ^ i) % 30000),
                                  kProcessNames[i % kProcessNames.size()], i == 0 ? "R" : "S",
                                  share, round2(5.0 + 300.0 * unit(id ^ (200 + i)))});
    }
    r.procesos_top = std::move(list);
  }
  r.hora = format_utc(start + std::chrono::seconds(second));
  return r;
}

}  // namespace vmpulse::fleet
