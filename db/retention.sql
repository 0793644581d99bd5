-- One batch of retention: removes at most @batch rows of metricas older than @days days
-- (by hora, UTC), walking the metricas_hora index from the oldest, so each batch is a
-- short transaction that locks only the rows it deletes; as many minutes of the
-- per-minute rollup (metricas_minuto, 002) before the same cutoff; then idempotency
-- keys older than @key_days days. db/retention.sh runs it until a batch removes fewer
-- than @batch of each. Runs on MySQL 8.0 and MariaDB 10.11.
--
-- The cutoff is a whole minute, so metricas and metricas_minuto lose the same minutes
-- and history reads the same from either.
--
-- Set before sourcing: @days, @batch, @key_days. Answers one row: metricas deleted,
-- metricas_minuto deleted, ingest_keys deleted.
SET @cutoff = UTC_TIMESTAMP() - INTERVAL @days DAY;
SET @cutoff = @cutoff - INTERVAL SECOND(@cutoff) SECOND;
SET @key_cutoff = UTC_TIMESTAMP() - INTERVAL @key_days DAY;

-- LIMIT takes no variable outside a prepared statement.
SET @delete_rows = CONCAT('DELETE FROM metricas WHERE hora < ? ORDER BY hora LIMIT ', CAST(@batch AS UNSIGNED));
PREPARE delete_rows FROM @delete_rows;
EXECUTE delete_rows USING @cutoff;
SET @rows_deleted = ROW_COUNT();
DEALLOCATE PREPARE delete_rows;

SET @delete_minutes = CONCAT('DELETE FROM metricas_minuto WHERE minuto < ? ORDER BY minuto LIMIT ', CAST(@batch AS UNSIGNED));
PREPARE delete_minutes FROM @delete_minutes;
EXECUTE delete_minutes USING @cutoff;
SET @minutes_deleted = ROW_COUNT();
DEALLOCATE PREPARE delete_minutes;

-- Keys only have to outlive a client's retries; created_at is a TIMESTAMP, compared in
-- the session's time zone, hence NOW() rather than UTC_TIMESTAMP() there.
SET @delete_keys = CONCAT('DELETE FROM ingest_keys WHERE created_at < NOW() - INTERVAL ', CAST(@key_days AS UNSIGNED),
                          ' DAY ORDER BY created_at LIMIT ', CAST(@batch AS UNSIGNED));
PREPARE delete_keys FROM @delete_keys;
EXECUTE delete_keys;
SET @keys_deleted = ROW_COUNT();
DEALLOCATE PREPARE delete_keys;

SELECT @rows_deleted, @minutes_deleted, @keys_deleted;
