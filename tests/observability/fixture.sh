# shellcheck shell=bash
# fixture_sql: SQL that fills the tables the Grafana dashboards read with 58 minutes
# (clear of the one-hour range's edge) of two VMs, vm-a and vm-b, on both routes:
# vm-a's latest row 5 s old (up), vm-b's 2 minutes (down); their per-minute rollup, the
# per-route counts and alerts. Times are UTC.
fixture_sql() {
  local m api
  echo "SET time_zone = '+00:00';"
  for ((m = 58; m >= 1; m--)); do
    api=cpp
    ((m % 2)) && api=nodejs
    echo "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso,
      porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie,
      procesos_parados, hora, api) VALUES
      ('vm-a', 8000000000, 2000000000, 6000000000, 75.00, $((20 + m)).50, $((79 - m)).50, 3, 210, 205, 1, 1,
        UTC_TIMESTAMP() - INTERVAL $m MINUTE, '$api'),
      ('vm-b', 4000000000, 400000000, 3600000000, 90.00, 97.25, 2.75, 5, 120, 100, 12, 3,
        UTC_TIMESTAMP() - INTERVAL $((m + 1)) MINUTE, '$api');"
    echo "INSERT INTO metricas_minuto (vm, minuto, n, cpu_suma, cpu_min, cpu_max, ram_suma, ram_min, ram_max, procesos_suma)
      VALUES ('vm-a', DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL $m MINUTE, '%Y-%m-%d %H:%i:00'), 12, $((12 * (20 + m))), $((10 + m)), $((30 + m)), 900, 74, 76, 2520),
             ('vm-b', DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL $m MINUTE, '%Y-%m-%d %H:%i:00'), 12, 1167, 96, 99, 1080, 89, 91, 1440);"
  done
  echo "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso,
    porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie,
    procesos_parados, hora, api) VALUES
    ('vm-a', 8000000000, 2100000000, 5900000000, 73.75, 12.50, 87.50, 2, 211, 207, 1, 1, UTC_TIMESTAMP() - INTERVAL 5 SECOND, 'cpp');"
  echo "INSERT INTO metricas_por_api (api, total) VALUES ('cpp', 61), ('nodejs', 60)
    ON DUPLICATE KEY UPDATE total = VALUES(total);"
  echo "INSERT INTO alertas (regla, vm, severidad, estado, valor, umbral, desde, cambio, huella, resumen) VALUES
    ('cpu_critical', 'vm-b', 'critical', 'firing', 97.25, 97, UTC_TIMESTAMP(3) - INTERVAL 40 MINUTE,
      UTC_TIMESTAMP(3) - INTERVAL 35 MINUTE, '0123456789abcdef', 'vm-b: CPU 97.25 % >= 97 %'),
    ('vm_down', 'vm-b', 'critical', 'firing', NULL, NULL, UTC_TIMESTAMP(3) - INTERVAL 90 SECOND,
      UTC_TIMESTAMP(3) - INTERVAL 90 SECOND, '1123456789abcdef', 'vm-b: no sample for 30 s');"
  echo "INSERT INTO alertas_historial (regla, vm, severidad, estado, anterior, valor, umbral, desde, hora, huella, notificar) VALUES
    ('cpu_high', 'vm-a', 'warning', 'pending', NULL, 91.5, 90, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE, 'aaaaaaaaaaaaaaaa', FALSE),
    ('cpu_high', 'vm-a', 'warning', 'firing', 'pending', 92.0, 90, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 28 MINUTE, 'aaaaaaaaaaaaaaaa', TRUE),
    ('cpu_high', 'vm-a', 'warning', 'resolved', 'firing', 60.0, 90, UTC_TIMESTAMP(3) - INTERVAL 30 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 20 MINUTE, 'aaaaaaaaaaaaaaaa', TRUE);"
}
