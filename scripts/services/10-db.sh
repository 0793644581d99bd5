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
  db_migrate "$(local_db_url migrate)" >>"$LOG_DIR/db.log" 2>&1 && db_grant_roles "$DB_DIR" >>"$LOG_DIR/db.log" 2>&1
}
svc_db_health() { echo ""; }
svc_db_check() { db_ping "$DB_DIR"; }
# local_db_url [ROLE]: the URL of a service's own user (ingest, hub, migrate); without
# ROLE, the owner's (tests and `./vmpulse db shell`; no service runs as the owner).
local_db_url() {
  if [[ -n "${1:-}" ]]; then
    db_role_url "$DB_DIR" "$VMPULSE_DB_PORT" "$1"
  else
    db_url "$DB_DIR" "$VMPULSE_DB_PORT"
  fi
}
