-- vmpulse schema, version 7: metricas partitioned by day, and a per-hour rollup (issue 15;
-- docs/storage.md). Written for MySQL 8.0 (Cloud SQL) and MariaDB 10.11 (only MariaDB
-- has run it here: docs/storage.md says what was not run on MySQL); idempotent like
-- 001-006 (running it twice changes nothing).
--
-- metricas: PARTITION BY RANGE COLUMNS (hora), one partition per UTC day named pYYYYMMDD
-- after the day it holds (rows with hora < the next day), plus pmax (MAXVALUE) so that
-- an insert never fails for want of a partition. The hub creates the days ahead by
-- splitting pmax and drops the expired ones whole (hub/src/partition_sql.hpp). The first
-- partition also holds every older row.
--
-- A partitioned table's unique keys must contain the partition column: the primary key
-- becomes (id, hora). id stays AUTO_INCREMENT and unique (one counter for the table, the
-- first column of a key), and every reader of id (the poller's and the rollup's
-- "id > x", MAX(id)) still walks the primary key in id order.
--
-- Partitioning an existing table copies it once (ALGORITHM=COPY: inserts wait until it
-- ends; roughly the time of an OPTIMIZE TABLE, docs/storage.md has a measure).

-- MySQL's default (1024 bytes) would cut the partition list short.
SET SESSION group_concat_max_len = 1048576;

SET @vmpulse_partitioned := (SELECT COUNT(*) FROM information_schema.partitions
  WHERE table_schema = DATABASE() AND table_name = 'metricas' AND partition_name IS NOT NULL);
-- From the oldest row's day (at most 400 days back: older rows share the first
-- partition) to 3 days ahead.
SET @vmpulse_first := (SELECT LEAST(GREATEST(COALESCE(DATE(MIN(hora)), UTC_DATE()),
                                             UTC_DATE() - INTERVAL 400 DAY), UTC_DATE())
                       FROM metricas);
SET @vmpulse_parts := (
  WITH RECURSIVE days (d) AS (
    SELECT CAST(@vmpulse_first AS DATE)
    UNION ALL SELECT d + INTERVAL 1 DAY FROM days WHERE d < UTC_DATE() + INTERVAL 3 DAY)
  SELECT GROUP_CONCAT(CONCAT('PARTITION p', DATE_FORMAT(d, '%Y%m%d'), ' VALUES LESS THAN (''',
                             DATE_FORMAT(d + INTERVAL 1 DAY, '%Y-%m-%d'), ''')')
                      ORDER BY d SEPARATOR ', ')
  FROM days);
SET @vmpulse_sql := IF(@vmpulse_partitioned > 0, 'DO 0',
  CONCAT('ALTER TABLE metricas DROP PRIMARY KEY, ADD PRIMARY KEY (id, hora) ',
         'PARTITION BY RANGE COLUMNS (hora) (', @vmpulse_parts,
         ', PARTITION pmax VALUES LESS THAN (MAXVALUE))'));
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;

-- The per-hour rollup: metricas_minuto's columns (002, 006) per VM and UTC hour, kept by
-- the hub in the same transaction as the minutes (hub/src/rollup.cpp), so both hold
-- exactly the rows with id <= metricas_minuto_estado.ultimo_id.
CREATE TABLE IF NOT EXISTS metricas_hora (
  vm VARCHAR(64) NOT NULL,
  hora DATETIME NOT NULL,  -- UTC, minutes and seconds 00: rows with hora <= t < hora + 1 h
  n INT UNSIGNED NOT NULL,
  cpu_suma DECIMAL(20,2) NOT NULL,
  cpu_min DECIMAL(5,2) NOT NULL,
  cpu_max DECIMAL(5,2) NOT NULL,
  ram_suma DECIMAL(20,2) NOT NULL,
  ram_min DECIMAL(5,2) NOT NULL,
  ram_max DECIMAL(5,2) NOT NULL,
  procesos_suma BIGINT NOT NULL,
  carga_n INT UNSIGNED NOT NULL DEFAULT 0,
  carga_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  carga_max DECIMAL(15,2) NULL,
  cpu_robado_n INT UNSIGNED NOT NULL DEFAULT 0,
  cpu_robado_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  cpu_robado_max DECIMAL(15,2) NULL,
  cpu_espera_n INT UNSIGNED NOT NULL DEFAULT 0,
  cpu_espera_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  cpu_espera_max DECIMAL(15,2) NULL,
  swap_n INT UNSIGNED NOT NULL DEFAULT 0,
  swap_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  swap_max DECIMAL(15,2) NULL,
  disco_n INT UNSIGNED NOT NULL DEFAULT 0,
  disco_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  disco_max DECIMAL(15,2) NULL,
  disco_lectura_n INT UNSIGNED NOT NULL DEFAULT 0,
  disco_lectura_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  disco_lectura_max DECIMAL(15,2) NULL,
  disco_escritura_n INT UNSIGNED NOT NULL DEFAULT 0,
  disco_escritura_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  disco_escritura_max DECIMAL(15,2) NULL,
  red_rx_n INT UNSIGNED NOT NULL DEFAULT 0,
  red_rx_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  red_rx_max DECIMAL(15,2) NULL,
  red_tx_n INT UNSIGNED NOT NULL DEFAULT 0,
  red_tx_suma DECIMAL(30,2) NOT NULL DEFAULT 0,
  red_tx_max DECIMAL(15,2) NULL,
  PRIMARY KEY (vm, hora),
  KEY metricas_hora_hora (hora)  -- for retention
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The hours of the minutes already rolled up, once (only while metricas_hora is empty),
-- under the rollup's state-row lock so that no hub adds minutes meanwhile. A hub older
-- than this migration keeps adding minutes but not hours: restart the hubs after it.
START TRANSACTION;
SELECT ultimo_id INTO @vmpulse_rolled FROM metricas_minuto_estado WHERE id = 1 FOR UPDATE;
INSERT INTO metricas_hora
SELECT vm, DATE_FORMAT(minuto, '%Y-%m-%d %H:00:00'), SUM(n), SUM(cpu_suma), MIN(cpu_min),
       MAX(cpu_max), SUM(ram_suma), MIN(ram_min), MAX(ram_max), SUM(procesos_suma),
       SUM(carga_n), SUM(carga_suma), MAX(carga_max),
       SUM(cpu_robado_n), SUM(cpu_robado_suma), MAX(cpu_robado_max),
       SUM(cpu_espera_n), SUM(cpu_espera_suma), MAX(cpu_espera_max),
       SUM(swap_n), SUM(swap_suma), MAX(swap_max),
       SUM(disco_n), SUM(disco_suma), MAX(disco_max),
       SUM(disco_lectura_n), SUM(disco_lectura_suma), MAX(disco_lectura_max),
       SUM(disco_escritura_n), SUM(disco_escritura_suma), MAX(disco_escritura_max),
       SUM(red_rx_n), SUM(red_rx_suma), MAX(red_rx_max),
       SUM(red_tx_n), SUM(red_tx_suma), MAX(red_tx_max)
FROM metricas_minuto
WHERE NOT EXISTS (SELECT 1 FROM metricas_hora)
GROUP BY vm, DATE_FORMAT(minuto, '%Y-%m-%d %H:00:00');
COMMIT;
