-- vmpulse schema, version 10: metricas.procesos_top in the ascii character set (issue 13,
-- docs/storage.md "procesos_top in ascii"). Everything in the compact stored form is
-- ASCII by the contract's rules: integers, numbers, a state letter and a name matching
-- ^[ -~]+$ (printable ASCII), written without escapes beyond \" and \\. In utf8mb4 the
-- server decoded every stored byte as UTF-8 to check it, about 4,000 of a version 2
-- row's instructions (docs/benchmarks.md, session 19); in ascii it copies them.
-- Runs on MySQL 8.0 (Cloud SQL) and MariaDB 10.11; idempotent like 001-009 (running it
-- twice changes nothing).
--
-- The values are kept: every list stored so far is ASCII (rows from before 009 hold the
-- contract's objects, whose names were printable ASCII too). A value that is not — one
-- no route wrote — makes the ALTER fail (strict mode: "Incorrect string value") and
-- leaves the table as it was, rather than storing '?' in its place.
--
-- Changing a column's character set copies metricas (ALGORITHM=COPY), as 009's type
-- change did: inserts wait for it, so on a large table run it in a quiet hour
-- (docs/storage.md), together with 009 when coming from 008 or earlier.
-- tests/suites/46-storage.sh migrates a partitioned metricas holding rows and checks every
-- row, its list and the partitions are kept.

-- Whether procesos_top is still anything but the ascii MEDIUMTEXT wanted.
SET @vmpulse_change := (
  SELECT COUNT(*) > 0 FROM information_schema.columns c
  WHERE c.table_schema = DATABASE() AND c.table_name = 'metricas'
    -- information_schema is utf8mb3, the literals the connection's character set
    AND CONVERT(c.column_name USING utf8mb4) = CONVERT('procesos_top' USING utf8mb4)
    AND NOT (CONVERT(c.data_type USING utf8mb4) = CONVERT('mediumtext' USING utf8mb4)
             AND CONVERT(c.collation_name USING utf8mb4) = CONVERT('ascii_bin' USING utf8mb4)));
SET @vmpulse_sql := IF(@vmpulse_change,
  'ALTER TABLE metricas MODIFY COLUMN procesos_top MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NULL',
  'DO 0');
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
