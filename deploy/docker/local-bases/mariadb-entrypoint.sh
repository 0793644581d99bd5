#!/bin/bash
# The mysql image's first-start contract, for Debian's MariaDB (mariadb.Dockerfile): an
# empty data directory is initialised, MYSQL_DATABASE and MYSQL_USER (password
# MYSQL_PASSWORD, from the environment, never a command line) are created, and
# /docker-entrypoint-initdb.d/*.sql run as the administrator; then the server runs in
# the foreground with the command's options. The administrator is the OS user mysql
# over the local socket only (unix_socket): no root password exists to leak.
set -euo pipefail
# The socket and pid file in /tmp: podman does not apply a tmpfs's mode below its own
# /run tmpfs, so /run/mysqld would be root's; /tmp is writable for everyone on both engines.
datadir=/var/lib/mysql socket=/tmp/mysqld.sock pidfile=/tmp/mysqld.pid
[[ "${1:-}" == mariadbd || "${1:-}" == mysqld ]] && shift
[[ "${1:-}" == -* || $# -eq 0 ]] || exec "$@"
# With a read-only root filesystem these must be writable mounts (tmpfs, mode 1777).
for dir in "$datadir" /tmp; do
  [[ -w "$dir" ]] || { echo "entrypoint: $dir is not writable by uid $(id -u)" >&2; exit 1; }
done

if [[ ! -d "$datadir/mysql" ]]; then
  : "${MYSQL_DATABASE:?set MYSQL_DATABASE}" "${MYSQL_USER:?set MYSQL_USER}" "${MYSQL_PASSWORD:?set MYSQL_PASSWORD}"
  [[ "$MYSQL_DATABASE" =~ ^[A-Za-z0-9_]{1,64}$ && "$MYSQL_USER" =~ ^[A-Za-z0-9_]{1,32}$ ]] ||
    { echo "entrypoint: bad MYSQL_DATABASE or MYSQL_USER" >&2; exit 1; }
  echo "entrypoint: initialising $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db --auth-root-authentication-method=socket \
    >/tmp/install-db.log 2>&1 || { cat /tmp/install-db.log >&2; exit 1; }
  mariadbd --datadir="$datadir" --socket="$socket" --pid-file="$pidfile" --skip-networking &
  pid=$!
  until mariadb-admin --socket="$socket" -u mysql ping >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "entrypoint: the initialising server stopped" >&2; exit 1; }
    sleep 0.5
  done
  password="${MYSQL_PASSWORD//\\/\\\\}"
  password="${password//\'/\'\'}"
  {
    echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
    echo "CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$password';"
    echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';"
    shopt -s nullglob
    for f in /docker-entrypoint-initdb.d/*.sql; do cat "$f"; done
  } | mariadb --socket="$socket" -u mysql
  mariadb-admin --socket="$socket" -u mysql shutdown
  wait "$pid" || true
  echo "entrypoint: $MYSQL_DATABASE and $MYSQL_USER created"
fi
exec mariadbd --datadir="$datadir" --socket="$socket" --pid-file="$pidfile" --bind-address=0.0.0.0 --port=3306 "$@"
