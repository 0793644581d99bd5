# shellcheck shell=bash
# A private MariaDB instance: its own datadir, loopback only, its own port, never the
# system's instance. Used by `./vmpulse up` (state folder, port 3307) and by tests
# (a temporary folder, a free port).
#
#   db_start DIR PORT     initialise DIR if new, start mariadbd, create the database,
#                         the owner (VMPULSE_DB_USER, all privileges on the database:
#                         tests, `db shell`, retention) and the four service users below,
#                         each password random and kept in DIR (0600); prints nothing
#   db_url DIR PORT       mysql://USER:PASS@127.0.0.1:PORT/DB for that instance (the owner)
#   db_role_url DIR PORT ROLE   the same for a service user: ingest (the routes), hub,
#                         reader (read-only: Grafana), or migrate (DDL: `./vmpulse db
#                         migrate` only)
#   db_grant_roles DIR    grant the ingest, hub and reader users db/grants.sql (after migrating)
#   db_stop DIR           stop the instance started from DIR
#   db_sql DIR PORT SQL   run SQL as the instance's root user (socket)
#   db_migrate URL        apply db/migrations/*.sql not yet applied (idempotent)
#
# db_start runs the server under the command in the array DB_WRAP when it is set (a
# benchmark's valgrind), with the options that make InnoDB start there.

_db_server() { command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd; }

db_start() {
  local dir="$1" port="$2" user_opt=()
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ "$(id -u)" -eq 0 ]] && user_opt=(--user=root)
  if [[ ! -d "$dir/data/mysql" ]]; then
    mkdir -p "$dir/data"
    _db_install "$dir/data" "$dir/install.log" || return 1
  fi
  if [[ ! -f "$dir/password" ]]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password")
  fi
  if ! db_ping "$dir"; then
    local wrap=() wrap_opt=()
    if [[ -n "${DB_WRAP+set}" ]]; then
      wrap=("${DB_WRAP[@]}")
      # valgrind neither reserves the default maximum buffer pool nor does native AIO.
      wrap_opt=(--innodb-buffer-pool-size-max=256M --innodb-use-native-aio=0)
    fi
    # Durable commits (flush at every commit) so benchmarks and fault tests measure
    # what production does.
    setsid "${wrap[@]}" "$(_db_server)" --no-defaults "${user_opt[@]}" "${wrap_opt[@]}" --datadir="$dir/data" \
      --port="$port" --bind-address=127.0.0.1 --socket="$dir/mysqld.sock" \
      --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=1 --sync-binlog=0 \
      --max-connections=600 --skip-name-resolve --character-set-server=utf8mb4 \
      --default-time-zone=+00:00 </dev/null >/dev/null 2>&1 &
    local deadline=$((SECONDS + (${#wrap[@]} > 0 ? 240 : 60)))
    until db_ping "$dir"; do
      if ((SECONDS > deadline)); then
        echo "MariaDB did not start; $dir/error.log ends with:" >&2
        tail -n 20 "$dir/error.log" >&2
        return 1
      fi
      sleep 0.2
    done
  fi
  local db="$VMPULSE_DB_NAME" user="$VMPULSE_DB_USER" role host
  for role in ingest hub reader migrate; do
    if [[ ! -f "$dir/password-$role" ]]; then
      (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/password-$role")
    fi
  done
  # Passwords go to the client on stdin, never on its command line.
  {
    echo "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4;"
    for host in 127.0.0.1 localhost; do
      _db_account_sql "'$user'@'$host'" "$(cat "$dir/password")"
      echo "GRANT ALL ON \`$db\`.* TO '$user'@'$host';"
      for role in ingest hub reader migrate; do
        _db_account_sql "'$(db_role_user "$role")'@'$host'" "$(cat "$dir/password-$role")"
      done
      # Migrations create and change tables and may move data; nothing else (no GRANT,
      # no LOCK TABLES, TRIGGER, EVENT or routines).
      echo "GRANT CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, SELECT, INSERT, UPDATE, DELETE ON \`$db\`.* TO '$(db_role_user migrate)'@'$host';"
    done
  } | _db_root_stdin "$dir"
}

# _db_install DATADIR LOG: an initialised, empty datadir (system tables, root by socket).
# mariadb-install-db takes about 7 s (mostly waiting on fsync) and a test run starts about
# 15 instances, so it runs once per server version and user into a template under
# build/ that later instances copy (a fraction of a second). VMPULSE_DB_TEMPLATE=0 skips it.
_db_install() {
  local data="$1" log="$2" template tmp user_opt=()
  [[ "$(id -u)" -eq 0 ]] && user_opt=(--user=root)
  if [[ "${VMPULSE_DB_TEMPLATE:-1}" == 0 ]]; then
    _db_install_db "$data" "$log" "${user_opt[@]}"
    return
  fi
  template="$VMPULSE_ROOT/build/mariadb-datadir/$("$(_db_server)" --version | cksum | cut -d' ' -f1)-$(id -u)"
  if [[ ! -d "$template/mysql" ]]; then
    rm -rf "$template" # an interrupted first copy
    mkdir -p "$(dirname "$template")"
    tmp="$(mktemp -d "$template.XXXXXX")"
    _db_install_db "$tmp" "$log" "${user_opt[@]}" || { rm -rf "$tmp"; return 1; }
    # Whoever renames first wins; a concurrent second install is dropped.
    mv -T "$tmp" "$template" 2>/dev/null || rm -rf "$tmp"
  fi
  cp -a "$template/." "$data/"
}

_db_install_db() {
  local data="$1" log="$2"
  shift 2
  mariadb-install-db --no-defaults "$@" --datadir="$data" \
    --auth-root-authentication-method=socket --skip-test-db >"$log" 2>&1 ||
    { cat "$log" >&2; return 1; }
}

# _db_account_sql ACCOUNT PASSWORD: SQL that creates ACCOUNT or sets its password.
_db_account_sql() {
  local pass="${2//\\/\\\\}"
  pass="${pass//\'/\'\'}"
  echo "CREATE USER IF NOT EXISTS $1 IDENTIFIED BY '$pass';"
  echo "ALTER USER $1 IDENTIFIED BY '$pass';"
}

_db_root_stdin() { mariadb --no-defaults --socket="$1/mysqld.sock" -uroot -N -B; }

# db_role_user ROLE: the database user of a service (ingest, hub, reader, migrate).
db_role_user() { echo "${VMPULSE_DB_USER}_$1"; }

db_role_url() {
  echo "mysql://$(db_role_user "$3"):$(cat "$1/password-$3")@127.0.0.1:$2/$VMPULSE_DB_NAME"
}

db_grant_roles() {
  local dir="$1" host
  for host in 127.0.0.1 localhost; do
    sed -e "s|@DB@|$VMPULSE_DB_NAME|g" -e "s|@INGEST@|'$(db_role_user ingest)'@'$host'|g" \
      -e "s|@HUB@|'$(db_role_user hub)'@'$host'|g" -e "s|@READER@|'$(db_role_user reader)'@'$host'|g" \
      "$VMPULSE_ROOT/db/grants.sql"
  done | _db_root_stdin "$dir"
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
