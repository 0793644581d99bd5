# shellcheck shell=bash
# summary: the database: migrate [--db URL], url [ROLE], shell
# usage: ./vmpulse db migrate [--db URL]   apply db/migrations (idempotent); default: the local instance,
#                                          as its migrate user, then the service users' grants (db/grants.sql)
#        ./vmpulse db url [ROLE]           print the local instance's URL: the owner's, or a service
#                                          user's (ingest, hub, migrate)
#        ./vmpulse db shell                a SQL shell on the local instance
# shellcheck source=scripts/lib/mariadb.sh
source "$VMPULSE_ROOT/scripts/lib/mariadb.sh"

_sub="${1:-}"
[[ $# -gt 0 ]] && shift
_dbdir="$VMPULSE_STATE_DIR/db"
_url="${VMPULSE_DB_URL:-}"
_role=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) _url="$2"; shift 2 ;;
    ingest | hub | migrate) [[ "$_sub" == url ]] || die "a role goes with ./vmpulse db url"; _role="$1"; shift ;;
    *) die "unknown option: $1" ;;
  esac
done
_local=""
if [[ -z "$_url" ]]; then
  [[ -f "$_dbdir/password" ]] || die "no local database yet (./vmpulse up creates it) and no --db URL"
  _local=1
  _url="$(db_url "$_dbdir" "$VMPULSE_DB_PORT")"
  [[ -n "$_role" ]] && _url="$(db_role_url "$_dbdir" "$VMPULSE_DB_PORT" "$_role")"
fi
case "$_sub" in
  migrate)
    if [[ -n "$_local" ]]; then
      # Migrations run as the migrate user (DDL), the grants as the instance's root.
      [[ -f "$_dbdir/password-migrate" ]] || die "no service users yet: ./vmpulse up creates them"
      db_migrate "$(db_role_url "$_dbdir" "$VMPULSE_DB_PORT" migrate)" && db_grant_roles "$_dbdir" && ok "schema up to date"
    else
      db_migrate "$_url" && ok "schema up to date"
    fi
    ;;
  url) echo "$_url" ;;
  shell) db_client "$_url" -t ;;
  *) die "usage: ./vmpulse db migrate|url [ROLE]|shell [--db URL]" ;;
esac
