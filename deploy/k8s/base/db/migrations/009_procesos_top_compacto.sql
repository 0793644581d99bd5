-- vmpulse schema, version 9: metricas.procesos_top holds the compact stored form (issue 13,
-- docs/ingest.md "Version 2 fields"): one array of values per process, in the schema's
-- order, `[[pid,"nombre","estado",porcentaje_cpu,ram_mib],…]`, as both ingest routes
-- write it, in a MEDIUMTEXT with a binary collation and no JSON check. The server stores
-- the route's bytes without lexing or validating them (the routes validated the record;
-- the hub checks the text as it converts it back to the contract's objects), and a sample
-- takes about half the bytes (docs/benchmarks.md, "ingest: version 2 records").
-- Runs on MySQL 8.0 (Cloud SQL) and MariaDB 10.11; idempotent like 001-008 (running it
-- twice changes nothing).
--
-- Rows stored before this migration keep their array of objects (the hub sends those as
-- they are): the ALTER converts the column's type, not its values. On MariaDB, JSON is
-- LONGTEXT utf8mb4_bin with a column-level CHECK (json_valid(`procesos_top`)) named after
-- the column; a column-level check is part of the column's definition, so MODIFY drops it
-- (naming it in DROP CONSTRAINT in the same ALTER is refused: "Can't DROP CONSTRAINT").
-- On MySQL 8.0 the binary JSON becomes its text as MySQL prints it.
--
-- Changing a column's type copies metricas (ALGORITHM=COPY): inserts wait for it, as
-- for 007, so on a large table run it in a quiet hour (docs/storage.md).
-- tests/suites/46-storage.sh migrates a partitioned metricas holding rows and checks every
-- row, its list and the partitions are kept, and the check is gone.

-- Whether procesos_top is still anything but the MEDIUMTEXT wanted (JSON, LONGTEXT).
SET @vmpulse_change := (
  SELECT COUNT(*) > 0 FROM information_schema.columns c
  WHERE c.table_schema = DATABASE() AND c.table_name = 'metricas'
    -- information_schema is utf8mb3, the literals the connection's character set
    AND CONVERT(c.column_name USING utf8mb4) = CONVERT('procesos_top' USING utf8mb4)
    AND NOT (CONVERT(c.data_type USING utf8mb4) = CONVERT('mediumtext' USING utf8mb4)
             AND CONVERT(c.collation_name USING utf8mb4) = CONVERT('utf8mb4_bin' USING utf8mb4)));
SET @vmpulse_sql := IF(@vmpulse_change,
  'ALTER TABLE metricas MODIFY COLUMN procesos_top MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL',
  'DO 0');
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
