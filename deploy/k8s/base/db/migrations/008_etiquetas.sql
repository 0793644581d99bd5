-- vmpulse schema, version 8: the VM's labels (contract/record.schema.json `etiquetas`,
-- issue 15). Runs on MySQL 8.0 (Cloud SQL) and MariaDB 10.11; idempotent like 001-007
-- (running it twice changes nothing).
--
-- One nullable JSON column of metricas named as the schema's property (the ingest routes
-- build their column lists from the names): NULL where a record carried no labels, else
-- the object as the route wrote it ({"key":"value",…}, at most 16 pairs). The hub reads
-- it with every record and keeps each VM's newest labels for /api/vms and its filter
-- (docs/hub.md); nothing queries by label in SQL, so there is no index.
--
-- metricas is partitioned by day (007): the ALTER names no algorithm, so the server adds
-- the nullable column the cheapest way it can for the partitioned table (instantly where
-- it supports that, else by a copy, as 005 did). tests/suites/46-storage.sh migrates a
-- partitioned metricas holding 43,200 rows and checks every row is kept, with NULL here.

-- ADD COLUMN IF NOT EXISTS is MariaDB only: ask information_schema whether it is missing.
SET @vmpulse_missing := (
  SELECT COUNT(*) = 0 FROM information_schema.columns c
  WHERE c.table_schema = DATABASE() AND c.table_name = 'metricas'
    -- information_schema is utf8mb3, the literal the connection's character set
    AND CONVERT(c.column_name USING utf8mb4) = CONVERT('etiquetas' USING utf8mb4));
SET @vmpulse_sql := IF(@vmpulse_missing, 'ALTER TABLE metricas ADD COLUMN etiquetas JSON NULL', 'DO 0');
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
