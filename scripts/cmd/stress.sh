# shellcheck shell=bash
# summary: the specification's stress shape (2 CPU, 1 I/O, 1 VM worker of 128 MB) here or in the VM target
# usage: ./vmpulse stress [--vm] [--timeout SECONDS]   (default 60 s)
_in_vm=0 _timeout=60
while [[ $# -gt 0 ]]; do
  case "$1" in
    --vm) _in_vm=1; shift ;;
    --timeout) _timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    -h | --help) sed -n 's/^# usage: //p' "${BASH_SOURCE[0]}"; return 0 ;;
    *) die "unknown option: $1" ;;
  esac
done
[[ "$_timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds"
if [[ $_in_vm -eq 1 ]]; then
  [[ -f "$VMPULSE_ROOT/scripts/cmd/vm.sh" ]] || die "the VM target is not available (scripts/cmd/vm.sh)"
  # shellcheck source=/dev/null
  source "$VMPULSE_ROOT/scripts/cmd/vm.sh" stress --timeout "$_timeout"
  return
fi
command -v stress-ng >/dev/null || die "stress-ng is not installed (apt-get install stress-ng)"
info "stress-ng --cpu 2 --io 1 --vm 1 --vm-bytes 128M --timeout ${_timeout}s"
stress-ng --cpu 2 --io 1 --vm 1 --vm-bytes 128M --timeout "${_timeout}s" --metrics-brief
