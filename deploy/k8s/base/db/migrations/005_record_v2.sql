-- vmpulse schema, version 5: the record's version 2 fields (contract/record.schema.json,
-- issue 13). Runs unchanged on MySQL 8.0 (Cloud SQL) and MariaDB 10.11; idempotent like
-- 001-004 (running it twice changes nothing).
--
-- Every new field is a nullable column of metricas named exactly as the schema's property
-- (the ingest routes build their column lists from those names): NULL where a version 1
-- record left it out. procesos_top is one JSON column holding the array as the route
-- wrote it (docs/ingest.md, "Version 2 fields"): the hub streams that text as it is, and
-- it measured no slower to insert than a child table (docs/benchmarks.md).
--
-- One ALTER adding every missing column: on a large metricas a single table rebuild (or
-- an instant add, where the server can) instead of one per column.

-- ADD COLUMN IF NOT EXISTS is MariaDB only: ask information_schema which are missing.
SET @vmpulse_add := (
  SELECT GROUP_CONCAT(CONCAT('ADD COLUMN ', wanted.name, ' ', wanted.definition) ORDER BY wanted.position SEPARATOR ', ')
  FROM (
              SELECT  1 AS position, 'carga_1' AS name, 'DECIMAL(10,2) NULL' AS definition
    UNION ALL SELECT  2, 'carga_5', 'DECIMAL(10,2) NULL'
    UNION ALL SELECT  3, 'carga_15', 'DECIMAL(10,2) NULL'
    UNION ALL SELECT  4, 'porcentaje_cpu_robado', 'DECIMAL(5,2) NULL'
    UNION ALL SELECT  5, 'porcentaje_cpu_espera', 'DECIMAL(5,2) NULL'
    UNION ALL SELECT  6, 'swap_total', 'BIGINT NULL'            -- MiB
    UNION ALL SELECT  7, 'swap_libre', 'BIGINT NULL'            -- MiB
    UNION ALL SELECT  8, 'disco_total', 'BIGINT NULL'           -- MiB
    UNION ALL SELECT  9, 'disco_libre', 'BIGINT NULL'           -- MiB
    UNION ALL SELECT 10, 'disco_lectura_kib_s', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 11, 'disco_escritura_kib_s', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 12, 'red_rx_kib_s', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 13, 'red_tx_kib_s', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 14, 'tiempo_activo', 'BIGINT NULL'         -- seconds since boot
    -- [{pid, nombre, estado, porcentaje_cpu, ram_mib}, ...], at most 50 entries
    UNION ALL SELECT 15, 'procesos_top', 'JSON NULL'
  ) AS wanted
  WHERE NOT EXISTS (
    SELECT 1 FROM information_schema.columns c
    WHERE c.table_schema = DATABASE() AND c.table_name = 'metricas'
      -- information_schema is utf8mb3, the literals the connection's character set
      AND CONVERT(c.column_name USING utf8mb4) = CONVERT(wanted.name USING utf8mb4)));
SET @vmpulse_sql := IF(@vmpulse_add IS NULL, 'DO 0', CONCAT('ALTER TABLE metricas ', @vmpulse_add));
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
