-- vmpulse schema, version 2. Runs unchanged on MySQL 8.0 (Cloud SQL) and MariaDB 10.11;
-- idempotent (IF NOT EXISTS, INSERT IGNORE) like 001.
--
-- A per-minute rollup of metricas for GET /api/history (docs/hub.md, "History"): per VM
-- and UTC minute the row count and, for each series history serves, the sum (for the
-- average), the minimum and the maximum. The hub keeps it, not the ingest routes: it
-- adds every row with id in (ultimo_id, new ultimo_id] to its minute and moves
-- ultimo_id in the same transaction, holding the state row's lock, so each row is
-- counted exactly once whatever the number of hubs and restarts. Sums are exact
-- DECIMALs, so sum / n equals AVG over the raw rows digit for digit.

CREATE TABLE IF NOT EXISTS metricas_minuto (
  vm VARCHAR(64) NOT NULL,
  minuto DATETIME NOT NULL,  -- UTC, seconds 00: rows with minuto <= hora < minuto + 1 min
  n INT UNSIGNED NOT NULL,
  cpu_suma DECIMAL(20,2) NOT NULL,  -- porcentaje_cpu_uso
  cpu_min DECIMAL(5,2) NOT NULL,
  cpu_max DECIMAL(5,2) NOT NULL,
  ram_suma DECIMAL(20,2) NOT NULL,  -- porcentaje_ram
  ram_min DECIMAL(5,2) NOT NULL,
  ram_max DECIMAL(5,2) NOT NULL,
  procesos_suma BIGINT NOT NULL,    -- total_procesos
  PRIMARY KEY (vm, minuto),
  KEY metricas_minuto_minuto (minuto)  -- for retention
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row: every metricas row with id <= ultimo_id is in metricas_minuto.
CREATE TABLE IF NOT EXISTS metricas_minuto_estado (
  id TINYINT UNSIGNED NOT NULL,
  ultimo_id BIGINT UNSIGNED NOT NULL,
  actualizado TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT IGNORE INTO metricas_minuto_estado (id, ultimo_id) VALUES (1, 0);
