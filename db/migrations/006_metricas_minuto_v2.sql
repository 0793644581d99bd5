-- vmpulse schema, version 6: the per-minute rollup (002) of the history series that the
-- record's version 2 fields add (issue 13; the list is hub/src/history_series.hpp).
-- Runs unchanged on MySQL 8.0 (Cloud SQL) and MariaDB 10.11; idempotent like 001-005
-- (running it twice changes nothing).
--
-- Per series, as 002's cpu_suma and n: <series>_n counts the minute's rows that have the
-- value (version 1 rows, or a VM without swap, have NULL there and are not counted),
-- <series>_suma their exact DECIMAL sum (so _suma / _n equals AVG over the raw rows digit
-- for digit) and <series>_max their maximum (NULL while _n is 0). Minutes rolled up before
-- this migration read as n = 0: their rows were version 1 rows.
--
-- One ALTER adding every missing column: one table rebuild at most, not one per column.

-- ADD COLUMN IF NOT EXISTS is MariaDB only: ask information_schema which are missing.
SET @vmpulse_add := (
  SELECT GROUP_CONCAT(CONCAT('ADD COLUMN ', wanted.name, ' ', wanted.definition) ORDER BY wanted.position SEPARATOR ', ')
  FROM (
              SELECT  1 AS position, 'carga_n' AS name, 'INT UNSIGNED NOT NULL DEFAULT 0' AS definition
    UNION ALL SELECT  2, 'carga_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT  3, 'carga_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT  4, 'cpu_robado_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT  5, 'cpu_robado_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT  6, 'cpu_robado_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT  7, 'cpu_espera_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT  8, 'cpu_espera_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT  9, 'cpu_espera_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 10, 'swap_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 11, 'swap_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 12, 'swap_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 13, 'disco_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 14, 'disco_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 15, 'disco_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 16, 'disco_lectura_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 17, 'disco_lectura_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 18, 'disco_lectura_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 19, 'disco_escritura_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 20, 'disco_escritura_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 21, 'disco_escritura_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 22, 'red_rx_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 23, 'red_rx_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 24, 'red_rx_max', 'DECIMAL(15,2) NULL'
    UNION ALL SELECT 25, 'red_tx_n', 'INT UNSIGNED NOT NULL DEFAULT 0'
    UNION ALL SELECT 26, 'red_tx_suma', 'DECIMAL(30,2) NOT NULL DEFAULT 0'
    UNION ALL SELECT 27, 'red_tx_max', 'DECIMAL(15,2) NULL'
  ) AS wanted
  WHERE NOT EXISTS (
    SELECT 1 FROM information_schema.columns c
    WHERE c.table_schema = DATABASE() AND c.table_name = 'metricas_minuto'
      -- information_schema is utf8mb3, the literals the connection's character set
      AND CONVERT(c.column_name USING utf8mb4) = CONVERT(wanted.name USING utf8mb4)));
SET @vmpulse_sql := IF(@vmpulse_add IS NULL, 'DO 0', CONCAT('ALTER TABLE metricas_minuto ', @vmpulse_add));
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
