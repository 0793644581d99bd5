# shellcheck shell=bash
# The private MariaDB instance (datadir under the state folder, loopback, port
# VMPULSE_DB_PORT), migrated to the current schema before anything else starts.
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"

DB_DIR="$VMPULSE_STATE_DIR/db"

svc_db_start() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  db_start "$DB_DIR" "$VMPULSE_DB_PORT" >>"$LOG_DIR/db.log" 2>&1 || return 1
  cp "$DB_DIR/mysqld.pid" "$RUN_DIR/db.pid"
  db_migrate "$(local_db_url)" >>"$LOG_DIR/db.log" 2>&1
}
svc_db_health() { echo ""; }
svc_db_check() { db_ping "$DB_DIR"; }
local_db_url() { db_url "$DB_DIR" "$VMPULSE_DB_PORT"; }
