# shellcheck shell=bash
# A private MariaDB instance: its own datadir, loopback only, its own port, never the
# system's instance. Used by `./vmpulse up` (state folder, port 3307) and by tests
# (a temporary folder, a free port).
#
#   db_start DIR PORT     initialise DIR if new, start mariadbd, create the database,
#                         the user and its password (kept in DIR/password); prints nothing
#   db_url DIR PORT       mysql://USER:PASS@127.0.0.1:PORT/DB for that instance
#   db_stop DIR           stop the instance started from DIR
#   db_sql DIR PORT SQL   run SQL as the instance's root user (socket)
#   db_migrate URL        apply db/migrations/*.sql not yet applied (idempotent)

_db_server() { command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd; }

db_start() {
  local dir="$1" port="$2" user_opt=()
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ "$(id -u)" -eq 0 ]] && user_opt=(--user=root)
  if [[ ! -d "$dir/data/mysql" ]]; then
    mkdir -p "$dir/data"
    mariadb-install-db --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; return 1; }
  fi
  if [[ ! -f "$dir/password" ]]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password")
  fi
  if ! db_ping "$dir"; then
    # Durable commits (flush at every commit) so benchmarks and fault tests measure
    # what production does.
    setsid "$(_db_server)" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
      --port="$port" --bind-address=127.0.0.1 --socket="$dir/mysqld.sock" \
      --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=1 --sync-binlog=0 \
      --max-connections=600 --skip-name-resolve --character-set-server=utf8mb4 \
      --default-time-zone=+00:00 </dev/null >/dev/null 2>&1 &
    local deadline=$((SECONDS + 60))
    until db_ping "$dir"; do
      if ((SECONDS > deadline)); then
        echo "MariaDB did not start; $dir/error.log ends with:" >&2
        tail -n 20 "$dir/error.log" >&2
        return 1
      fi
      sleep 0.2
    done
  fi
  local pass db="$VMPULSE_DB_NAME" user="$VMPULSE_DB_USER"
  pass="$(cat "$dir/password")"
  db_sql "$dir" "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4;
    CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
    CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
    GRANT ALL ON \`$db\`.* TO '$user'@'127.0.0.1';
    GRANT ALL ON \`$db\`.* TO '$user'@'localhost';"
}

db_ping() { mariadb-admin --no-defaults --socket="$1/mysqld.sock" -uroot ping >/dev/null 2>&1; }

db_sql() { mariadb --no-defaults --socket="$1/mysqld.sock" -uroot -N -B -e "$2"; }

db_url() {
  echo "mysql://$VMPULSE_DB_USER:$(cat "$1/password")@127.0.0.1:$2/$VMPULSE_DB_NAME"
}

db_stop() {
  local dir="$1" pid
  [[ -f "$dir/mysqld.pid" ]] || return 0
  pid="$(cat "$dir/mysqld.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# _db_parse URL: sets _u _p _h _P _d from mysql://user:pass@host:port/db
_db_parse() {
  local url="$1" rest auth hostport
  [[ "$url" =~ ^mysql:// ]] || { echo "not a mysql:// URL: ${url%%@*}@…" >&2; return 1; }
  rest="${url#mysql://}"
  auth="${rest%%@*}"
  hostport="${rest#*@}"
  _d="${hostport#*/}"
  hostport="${hostport%%/*}"
  _u="${auth%%:*}"
  _p="${auth#*:}"
  _h="${hostport%%:*}"
  _P="${hostport##*:}"
  [[ "$_P" == "$_h" ]] && _P=3306
  # %XX escapes in the password (for characters like @ or /)
  _p="$(printf '%b' "${_p//%/\\x}")"
  return 0
}

db_client() {
  local _u _p _h _P _d
  _db_parse "$1" || return 1
  shift
  MYSQL_PWD="$_p" mariadb --no-defaults -h "$_h" -P "$_P" -u "$_u" -N -B "$_d" "$@"
}

db_migrate() {
  local url="$1" f version
  db_client "$url" -e "CREATE TABLE IF NOT EXISTS schema_migrations (
      version VARCHAR(64) NOT NULL PRIMARY KEY,
      applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)" || return 1
  for f in "$VMPULSE_ROOT"/db/migrations/*.sql; do
    version="$(basename "$f" .sql)"
    if [[ -z "$(db_client "$url" -e "SELECT version FROM schema_migrations WHERE version='$version'")" ]]; then
      db_client "$url" <"$f" || { echo "migration $version failed" >&2; return 1; }
      db_client "$url" -e "INSERT INTO schema_migrations (version) VALUES ('$version')" || return 1
      echo "applied $version"
    fi
  done
}
