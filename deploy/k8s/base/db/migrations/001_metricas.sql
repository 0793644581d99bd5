-- vmpulse schema, version 1. Runs unchanged on MySQL 8.0 (Cloud SQL) and MariaDB 10.11.
-- The specification's `metricas` table plus: vm (which machine), NOT NULL everywhere,
-- DATETIME for hora (UTC, no time-zone conversion, no 2038 limit), indexes for what
-- the hub asks, and two small tables the routes update in the same transaction as
-- the rows: per-route counts (so the split never needs a COUNT(*) over millions of
-- rows) and idempotency keys (so a retried request stores nothing twice).

CREATE TABLE IF NOT EXISTS metricas (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  vm VARCHAR(64) NOT NULL,
  total_ram BIGINT NOT NULL,
  ram_libre BIGINT NOT NULL,
  uso_ram BIGINT NOT NULL,
  porcentaje_ram DECIMAL(5,2) NOT NULL,
  porcentaje_cpu_uso DECIMAL(5,2) NOT NULL,
  porcentaje_cpu_libre DECIMAL(5,2) NOT NULL,
  procesos_corriendo INT NOT NULL,
  total_procesos INT NOT NULL,
  procesos_durmiendo INT NOT NULL,
  procesos_zombie INT NOT NULL,
  procesos_parados INT NOT NULL,
  hora DATETIME NOT NULL,
  api VARCHAR(16) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY metricas_vm_hora (vm, hora),
  KEY metricas_hora (hora)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Rows stored per route; the routes add to it in the transaction that inserts.
CREATE TABLE IF NOT EXISTS metricas_por_api (
  api VARCHAR(16) NOT NULL,
  total BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (api)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per stored request that carried an Idempotency-Key.
CREATE TABLE IF NOT EXISTS ingest_keys (
  idem_key VARCHAR(128) NOT NULL,
  api VARCHAR(16) NOT NULL,
  stored INT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (idem_key),
  KEY ingest_keys_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
