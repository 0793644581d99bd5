// The records the core benchmarks time: a version 1 record, and a version 2 one with every
// optional field and procesos_top of 10 processes (the values of bench/ingest/post.lua's
// RECORD=v2 body).
#pragma once

#include "vmpulse/record.hpp"

namespace vmpulse::bench {

inline vmpulse::Record sample_record() {
  vmpulse::Record r;
  r.vm = "vm-web-01";
  r.total_ram = 7985;
  r.ram_libre = 4321;
  r.uso_ram = 3664;
  r.porcentaje_ram = 45.89;
  r.porcentaje_cpu_uso = 12.5;
  r.porcentaje_cpu_libre = 87.5;
  r.procesos_corriendo = 2;
  r.procesos_durmiendo = 180;
  r.procesos_zombie = 0;
  r.procesos_parados = 1;
  r.total_procesos = 183;
  r.hora = "2026-11-26 17:55:00";
  return r;
}

inline vmpulse::Record sample_record_v2() {
  vmpulse::Record r = sample_record();
  r.carga_1 = 1.25;
  r.carga_5 = 0.98;
  r.carga_15 = 0.75;
  r.porcentaje_cpu_robado = 0.5;
  r.porcentaje_cpu_espera = 2.25;
  r.swap_total = 4096;
  r.swap_libre = 3900;
  r.disco_total = 102400;
  r.disco_libre = 51200;
  r.disco_lectura_kib_s = 120.5;
  r.disco_escritura_kib_s = 340.25;
  r.red_rx_kib_s = 1500.75;
  r.red_tx_kib_s = 200.5;
  r.tiempo_activo = 864000;
  const char* names[] = {"postgres",   "java",        "node", "systemd-journal", "nginx",
                         "containerd", "kworker/0:1", "sshd", "python3",         "dockerd"};
  r.procesos_top.emplace();
  for (int k = 1; k <= 10; ++k) {
    r.procesos_top->push_back(
        {1000 + k * 37, names[k - 1], k == 1 ? "R" : "S", 40.0 / k + 0.25, 2048.0 / k + 0.5});
  }
  return r;
}

}  // namespace vmpulse::bench
