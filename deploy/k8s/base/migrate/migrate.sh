#!/bin/bash
# Applies db/migrations/*.sql that the database has not seen yet, in name order, and
# records each in schema_migrations: the same rule as scripts/lib/mariadb.sh's
# db_migrate, with the MySQL client of the mysql image. Used by the Kubernetes Job and
# by compose.yaml's one-shot service.
#
# Environment: MYSQL_HOST, MYSQL_TCP_PORT (3306), MYSQL_USER, MYSQL_PWD, MYSQL_DATABASE,
# MIGRATIONS_DIR (/migrations), WAIT_SECONDS (120: how long to wait for the database).
#
# With INGEST_DB_USER, INGEST_DB_PASSWORD, HUB_DB_USER, HUB_DB_PASSWORD and GRANTS_FILE
# (db/grants.sql) it then creates the two service users ('user'@'%'), sets their
# passwords (so a new password in their Secrets takes effect on the next deploy) and
# grants them GRANTS_FILE. With READER_DB_USER and READER_DB_PASSWORD it does the same
# for the read-only reader (Grafana's data source); without them GRANTS_FILE's reader
# lines are left out. Passwords travel in the environment and on the client's
# stdin, never on a command line.
set -euo pipefail

: "${MYSQL_HOST:?MYSQL_HOST is required}"
: "${MYSQL_USER:?MYSQL_USER is required}"
: "${MYSQL_PWD:?MYSQL_PWD is required (the password, from a Secret)}"
: "${MYSQL_DATABASE:?MYSQL_DATABASE is required}"
export MYSQL_PWD
port="${MYSQL_TCP_PORT:-3306}"
dir="${MIGRATIONS_DIR:-/migrations}"
wait_seconds="${WAIT_SECONDS:-120}"

sql() { mysql --no-defaults -h "$MYSQL_HOST" -P "$port" -u "$MYSQL_USER" -N -B "$MYSQL_DATABASE" "$@"; }

# The database (or the Cloud SQL proxy in front of it) may still be starting.
deadline=$((SECONDS + wait_seconds))
until sql -e "SELECT 1" >/dev/null 2>&1; do
  if ((SECONDS >= deadline)); then
    echo "migrate: database $MYSQL_HOST:$port not reachable after ${wait_seconds}s" >&2
    sql -e "SELECT 1" || true
    exit 1
  fi
  sleep 2
done

shopt -s nullglob
files=("$dir"/*.sql)
if ((${#files[@]} == 0)); then
  echo "migrate: no migrations in $dir" >&2
  exit 1
fi

sql -e "CREATE TABLE IF NOT EXISTS schema_migrations (
    version VARCHAR(64) NOT NULL PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
for f in "${files[@]}"; do
  version="$(basename "$f" .sql)"
  if [[ ! "$version" =~ ^[0-9]{3}_[a-z0-9_]+$ ]]; then
    echo "migrate: unexpected file name $f (want NNN_name.sql)" >&2
    exit 1
  fi
  if [[ -n "$(sql -e "SELECT version FROM schema_migrations WHERE version='$version'")" ]]; then
    echo "migrate: $version already applied"
    continue
  fi
  sql <"$f" || { echo "migrate: $version failed" >&2; exit 1; }
  sql -e "INSERT INTO schema_migrations (version) VALUES ('$version')"
  echo "migrate: applied $version"
done
echo "migrate: schema up to date"

[[ -n "${INGEST_DB_USER:-}${HUB_DB_USER:-}" ]] || exit 0
: "${INGEST_DB_PASSWORD:?INGEST_DB_PASSWORD is required with INGEST_DB_USER}"
: "${HUB_DB_PASSWORD:?HUB_DB_PASSWORD is required with HUB_DB_USER}"
: "${GRANTS_FILE:?GRANTS_FILE (db/grants.sql) is required with the service users}"
reader="${READER_DB_USER:-}"
[[ -z "$reader" || -n "${READER_DB_PASSWORD:-}" ]] || { echo "migrate: READER_DB_PASSWORD is required with READER_DB_USER" >&2; exit 1; }
for name in "${INGEST_DB_USER:-}" "${HUB_DB_USER:-}" ${reader:+"$reader"}; do
  [[ "$name" =~ ^[A-Za-z0-9_]{1,32}$ ]] || { echo "migrate: bad database user name '$name'" >&2; exit 1; }
done
[[ "$MYSQL_DATABASE" =~ ^[A-Za-z0-9_]{1,64}$ ]] || { echo "migrate: bad database name" >&2; exit 1; }
# quoted TEXT: TEXT as a SQL string literal.
quoted() {
  local t="${1//\\/\\\\}"
  printf "'%s'" "${t//\'/\'\'}"
}
accounts=("$INGEST_DB_USER:$INGEST_DB_PASSWORD" "$HUB_DB_USER:$HUB_DB_PASSWORD")
if [[ -n "$reader" ]]; then
  accounts+=("$reader:$READER_DB_PASSWORD")
  reader_sed=(-e "s|@READER@|'$reader'@'%'|g")
else
  reader_sed=(-e "/@READER@/d")
fi
{
  for pair in "${accounts[@]}"; do
    echo "CREATE USER IF NOT EXISTS '${pair%%:*}'@'%' IDENTIFIED BY $(quoted "${pair#*:}");"
    echo "ALTER USER '${pair%%:*}'@'%' IDENTIFIED BY $(quoted "${pair#*:}");"
  done
  sed -e "s|@DB@|$MYSQL_DATABASE|g" -e "s|@INGEST@|'$INGEST_DB_USER'@'%'|g" -e "s|@HUB@|'$HUB_DB_USER'@'%'|g" \
    "${reader_sed[@]}" "$GRANTS_FILE"
} | sql || { echo "migrate: creating the service users or granting $GRANTS_FILE failed" >&2; exit 1; }
echo "migrate: users $INGEST_DB_USER, $HUB_DB_USER${reader:+ and $reader} granted $(basename "$GRANTS_FILE")"
