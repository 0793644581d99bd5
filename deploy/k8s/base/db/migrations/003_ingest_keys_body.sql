-- vmpulse schema, version 3. Runs unchanged on MySQL 8.0 (Cloud SQL) and MariaDB 10.11;
-- idempotent like 001 and 002 (running it twice changes nothing).
--
-- An Idempotency-Key stands for one request body (docs/ingest.md, "Idempotency"):
--   - idem_key compares bytes exactly (VARBINARY): "Key-1" and "key-1", or keys that a
--     case- or accent-insensitive collation would fold together, are different keys;
--   - body_sha256 is the SHA-256 (hex) of the body that first used the key, so the same
--     key with another body is refused (422 idempotency_key_reused), not replayed.
--     Keys stored before this migration have NULL there and are replayed as before.

ALTER TABLE ingest_keys MODIFY idem_key VARBINARY(128) NOT NULL;

-- ADD COLUMN IF NOT EXISTS is MariaDB only: ask information_schema instead.
SET @vmpulse_has_body := (SELECT COUNT(*) FROM information_schema.columns
  WHERE table_schema = DATABASE() AND table_name = 'ingest_keys' AND column_name = 'body_sha256');
SET @vmpulse_sql := IF(@vmpulse_has_body = 0,
  'ALTER TABLE ingest_keys ADD COLUMN body_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER stored',
  'DO 0');
PREPARE vmpulse_stmt FROM @vmpulse_sql;
EXECUTE vmpulse_stmt;
DEALLOCATE PREPARE vmpulse_stmt;
