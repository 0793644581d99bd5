-- One batch of idempotency-key retention: removes at most @batch ingest_keys rows older
-- than @key_days days. db/retention.sh runs it until a batch removes fewer than @batch.
-- Runs on MySQL 8.0 and MariaDB 10.11. The rows and the rollups are the hub's to expire
-- (docs/storage.md): metricas by dropping day partitions, the rollups by batched DELETEs.
--
-- Set before sourcing: @batch, @key_days. Answers one row: ingest_keys deleted.

-- Keys only have to outlive a client's retries; created_at is a TIMESTAMP, compared in
-- the session's time zone, hence NOW() rather than UTC_TIMESTAMP() there. LIMIT takes no
-- variable outside a prepared statement.
SET @delete_keys = CONCAT('DELETE FROM ingest_keys WHERE created_at < NOW() - INTERVAL ', CAST(@key_days AS UNSIGNED),
                          ' DAY ORDER BY created_at LIMIT ', CAST(@batch AS UNSIGNED));
PREPARE delete_keys FROM @delete_keys;
EXECUTE delete_keys;
SET @keys_deleted = ROW_COUNT();
DEALLOCATE PREPARE delete_keys;

SELECT @keys_deleted;
