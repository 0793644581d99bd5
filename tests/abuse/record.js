'use strict';
// A valid record (contract/record.schema.json) for the abuse and rotation tests.
function record(vm, n = 0) {
  return {
    vm,
    total_ram: 16000,
    ram_libre: 6000,
    uso_ram: 10000,
    porcentaje_ram: 62.5,
    porcentaje_cpu_uso: 30.25,
    porcentaje_cpu_libre: 69.75,
    procesos_corriendo: 3,
    procesos_durmiendo: n % 1000,
    procesos_zombie: 1,
    procesos_parados: 2,
    total_procesos: 6 + (n % 1000),
    hora: '2026-12-04 10:00:00',
  };
}

module.exports = { record };
