#!/usr/bin/env bash
# A private MariaDB for vmpulse_db_tests, as a CTest fixture:
#   db_instance.sh start DIR   start it on a free port; writes DIR/url (nothing if
#                              mariadbd is not installed: the tests then skip)
#   db_instance.sh stop DIR    stop it and remove DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$root/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$root/scripts/lib/mariadb.sh"

action="$1" dir="$2"
case "$action" in
  start)
    if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
      echo "mariadbd is not installed; the database tests will be skipped"
      exit 0
    fi
    db_stop "$dir" 2>/dev/null || true
    rm -rf "$dir"
    mkdir -p "$dir"
    port="$(free_port)"
    db_start "$dir" "$port"
    db_url "$dir" "$port" >"$dir/url"
    echo "$dir/mysqld.sock" >"$dir/socket"
    echo "MariaDB for the db tests on 127.0.0.1:$port"
    ;;
  stop)
    db_stop "$dir"
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
