# shellcheck shell=bash
# For suites that run processes of their own against a private MariaDB (50-hub,
# 51-alerts, 52-alert-delivery); source it after tests/lib/suite.sh and
# scripts/lib/mariadb.sh.
#   db_suite_start NAME   WORK: a new directory /tmp/vmpulse-NAME.XXXXXX; PIDS: the
#                         processes the suite starts (it appends to it); a private
#                         MariaDB in WORK/db with every migration: DB_PORT, DB_URL (its
#                         owner). At exit every PID is stopped and waited for, the
#                         database stopped and WORK removed. A database that does not
#                         start or migrate ends the suite with one failure.

_db_suite_cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  db_stop "$WORK/db"
  rm -rf "$WORK"
}

db_suite_start() {
  WORK="$(mktemp -d "/tmp/vmpulse-$1.XXXXXX")"
  PIDS=()
  trap _db_suite_cleanup EXIT
  DB_PORT="$(free_port)"
  db_start "$WORK/db" "$DB_PORT" || { echo "0 passed, 1 failed"; exit 1; }
  DB_URL="$(db_url "$WORK/db" "$DB_PORT")"
  db_migrate "$DB_URL" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
}
