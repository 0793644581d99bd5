#!/usr/bin/env bash
# Removes idempotency keys (ingest_keys) older than N days, in batches, so that a large
# purge never holds long locks or a long transaction. The rows and their rollups are the
# hub's to expire (--raw-days, --minute-days, --hour-days; docs/storage.md), so that the
# rule lives in one place. Independent of ./vmpulse: needs only bash and the mariadb (or
# mysql) client; run it from cron or a Kubernetes CronJob.
#
#   db/retention.sh [--db URL] [--key-days N] [--batch N] [--pause SECONDS]
#
#   --db        mysql://user:pass@host:port/db   (default: $VMPULSE_DB_URL)
#   --key-days  keep idempotency keys this long   (default: 7; 1-36500)
#   --batch     rows per DELETE                   (default: 5000)
#   --pause     seconds between batches           (default: 0.05)
#
# Prints one line: keys deleted. Exit 2 on bad arguments, 1 on database errors.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

url="${VMPULSE_DB_URL:-}"
key_days=7
batch=5000
pause=0.05

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
bad() {
  echo "retention.sh: $*" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) url="${2:-}"; shift 2 || bad "--db needs a value" ;;
    --days) bad "metricas and its rollups are expired by the hub now (--raw-days, --minute-days, --hour-days; docs/storage.md)" ;;
    --key-days) key_days="${2:-}"; shift 2 || bad "--key-days needs a value" ;;
    --batch) batch="${2:-}"; shift 2 || bad "--batch needs a value" ;;
    --pause) pause="${2:-}"; shift 2 || bad "--pause needs a value" ;;
    -h | --help) usage; exit 0 ;;
    *) bad "unknown argument: $1 (see --help)" ;;
  esac
done

# At least one day is always kept: --key-days 0 (or a typo for a number) would forget
# every key, which no schedule means to do.
[[ "$key_days" =~ ^[0-9]{1,5}$ ]] || bad "--key-days must be a whole number of days (1-36500), not '$key_days'"
((10#$key_days >= 1)) ||
  bad "refusing --key-days $key_days: it would forget every idempotency key (a retried request would be stored twice); keep at least 1 day"
((10#$key_days <= 36500)) || bad "--key-days must be 1-36500, not $key_days"
key_days=$((10#$key_days))
[[ "$batch" =~ ^[0-9]+$ && "$batch" -ge 1 && "$batch" -le 100000 ]] || bad "--batch must be 1-100000, not '$batch'"
[[ "$pause" =~ ^[0-9]+(\.[0-9]+)?$ ]] || bad "--pause must be seconds, not '$pause'"
[[ -n "$url" ]] || bad "no database: give --db mysql://user:pass@host:port/db or set VMPULSE_DB_URL"

# mysql://user:pass@host:port/db; the password may carry %XX escapes.
[[ "$url" =~ ^mysql://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/([A-Za-z0-9_$-]+)$ ]] ||
  bad "--db is not mysql://user:pass@host:port/db"
db_user="${BASH_REMATCH[1]}"
db_pass="$(printf '%b' "${BASH_REMATCH[3]//%/\\x}")"
db_host="${BASH_REMATCH[4]}"
db_port="${BASH_REMATCH[6]:-3306}"
db_name="${BASH_REMATCH[7]}"

client="$(command -v mariadb || command -v mysql || true)"
[[ -n "$client" ]] || { echo "retention.sh: needs the mariadb or mysql client" >&2; exit 1; }

# The password goes through the environment, never the command line (ps shows that).
run_batch() {
  { echo "SET @batch = $batch, @key_days = $key_days;" && cat "$here/retention.sql"; } |
    MYSQL_PWD="$db_pass" "$client" --no-defaults -h "$db_host" -P "$db_port" -u "$db_user" -N -B "$db_name"
}

keys_total=0
while :; do
  out="$(run_batch)" || { echo "retention.sh: batch failed after $keys_total keys" >&2; exit 1; }
  [[ "$out" =~ ^[0-9]+$ ]] || { echo "retention.sh: unexpected answer: $out" >&2; exit 1; }
  keys_total=$((keys_total + out))
  ((out < batch)) && break
  sleep "$pause"
done
echo "deleted $keys_total idempotency keys older than $key_days days"
