# shellcheck shell=bash
# summary: follow one service's log
# usage: ./vmpulse logs SERVICE [-n LINES] [--no-follow]
# shellcheck source=scripts/lib/services.sh
source "$VMPULSE_ROOT/scripts/lib/services.sh"

_name="${1:-}"
[[ -n "$_name" ]] || die "usage: ./vmpulse logs SERVICE (one of: $(svc_names | tr '\n' ' '))"
svc_names | grep -qx "$_name" || die "unknown service: $_name (one of: $(svc_names | tr '\n' ' '))"
shift
_lines=50 _follow=(-F)
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) _lines="$2"; shift 2 ;;
    --no-follow) _follow=(); shift ;;
    *) die "unknown option: $1" ;;
  esac
done
[[ -f "$LOG_DIR/$_name.log" ]] || die "no log yet for $_name ($LOG_DIR/$_name.log)"
exec tail -n "$_lines" "${_follow[@]}" "$LOG_DIR/$_name.log"
