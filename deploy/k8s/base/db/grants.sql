-- What vmpulse's services may do in the database, table by table: the one source for
-- the local instance (scripts/lib/mariadb.sh, db_grant_roles) and for Cloud SQL (the
-- migration Job, deploy/k8s/base/migrate/migrate.sh). Applied after every migration,
-- since a table-level grant needs its table. Grants are per table, never per column, so
-- a column a migration adds needs no change here; a new table the services use does.
-- GRANT only adds: to take a privilege away, add a REVOKE below.
--
-- @DB@ is the database, @INGEST@, @HUB@ and @READER@ the accounts ('user'@'host').
-- The reader is optional: where it has no account, the lines naming it are left out.

-- The ingest routes (api/src/ingest_sql.cpp, node-api/src/store.js): multi-row INSERTs
-- into metricas; the per-route count (INSERT ... ON DUPLICATE KEY UPDATE total = total
-- + n, which reads and updates the row); the idempotency keys (INSERT IGNORE, then a
-- SELECT of the stored count when the key was already there). Nothing else: a stolen
-- ingest credential cannot read, change or delete the rows.
GRANT INSERT ON `@DB@`.metricas TO @INGEST@;
GRANT SELECT, INSERT, UPDATE ON `@DB@`.metricas_por_api TO @INGEST@;
GRANT SELECT, INSERT ON `@DB@`.ingest_keys TO @INGEST@;

-- The hub (hub/src/poller.cpp, http_api.cpp, rollup_sql.cpp): reads the rows and the
-- counts; keeps the per-minute and per-hour rollups (002, 007): upserts them and moves
-- the state row, which it locks with SELECT ... FOR UPDATE (that needs UPDATE as well
-- as SELECT). Retention (hub/src/retention.cpp, docs/storage.md): splits and drops
-- metricas' day partitions (REORGANIZE PARTITION needs ALTER, DROP PARTITION needs
-- ALTER and DROP: enough on MariaDB 10.11, 46-storage runs it as this user; MySQL's
-- manual asks CREATE and INSERT too for ALTER TABLE, not tried there) and deletes
-- expired rollup rows. A stolen hub credential can therefore drop metricas' partitions,
-- but still not insert a row.
GRANT SELECT, ALTER, DROP ON `@DB@`.metricas TO @HUB@;
GRANT SELECT ON `@DB@`.metricas_por_api TO @HUB@;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.metricas_minuto TO @HUB@;
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.metricas_hora TO @HUB@;
GRANT SELECT, UPDATE ON `@DB@`.metricas_minuto_estado TO @HUB@;

-- The hub's alerts (004, hub/src/alert_store.cpp, alert_notifier.cpp): the evaluating
-- hub keeps alertas (deletes a resolved alert) and appends to alertas_historial; the
-- delivering hub moves its cursors in alertas_envios; any hub adds and removes
-- silences (POST/DELETE /api/silences) and deletes expired ones.
GRANT SELECT, INSERT, UPDATE, DELETE ON `@DB@`.alertas TO @HUB@;
GRANT SELECT, INSERT ON `@DB@`.alertas_historial TO @HUB@;
GRANT SELECT, INSERT, UPDATE ON `@DB@`.alertas_envios TO @HUB@;
GRANT SELECT, INSERT, DELETE ON `@DB@`.silencios TO @HUB@;

-- The reader (Grafana's MySQL data source, deploy/grafana; docs/observability.md):
-- SELECT on the rows, the per-minute rollup, the per-route counts and the alerts, and
-- nothing else: a dashboard's credential cannot change anything, nor read the
-- idempotency keys or the notification cursors.
GRANT SELECT ON `@DB@`.metricas TO @READER@;
GRANT SELECT ON `@DB@`.metricas_minuto TO @READER@;
GRANT SELECT ON `@DB@`.metricas_hora TO @READER@;
GRANT SELECT ON `@DB@`.metricas_por_api TO @READER@;
GRANT SELECT ON `@DB@`.alertas TO @READER@;
GRANT SELECT ON `@DB@`.alertas_historial TO @READER@;
