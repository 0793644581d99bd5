# shellcheck shell=bash
# summary: the database: migrate [--db URL], url, shell
# usage: ./vmpulse db migrate [--db URL]   apply db/migrations (idempotent); default: the local instance
#        ./vmpulse db url                  print the local instance's URL
#        ./vmpulse db shell                a SQL shell on the local instance
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"

_sub="${1:-}"
[[ $# -gt 0 ]] && shift
_dbdir="$VMPULSE_STATE_DIR/db"
_url="${VMPULSE_DB_URL:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) _url="$2"; shift 2 ;;
    *) die "unknown option: $1" ;;
  esac
done
if [[ -z "$_url" ]]; then
  [[ -f "$_dbdir/password" ]] || die "no local database yet (./vmpulse up creates it) and no --db URL"
  _url="$(db_url "$_dbdir" "$VMPULSE_DB_PORT")"
fi
case "$_sub" in
  migrate) db_migrate "$_url" && ok "schema up to date" ;;
  url) echo "$_url" ;;
  shell) db_client "$_url" -t ;;
  *) die "usage: ./vmpulse db migrate|url|shell [--db URL]" ;;
esac
