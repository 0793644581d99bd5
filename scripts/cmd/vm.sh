# shellcheck shell=bash
# summary: a QEMU VM with the kernel modules and the agent: up, down, status, stress
# usage: ./vmpulse vm up [--accel kvm|tcg]   boot it in the background; prints the agent's URL
#        ./vmpulse vm status                 running or not, and the agent's health
#        ./vmpulse vm stress [[--timeout] SECONDS]  the specification's stress shape inside (default 60, at most 600)
#        ./vmpulse vm console                the VM's serial console log
#        ./vmpulse vm down                   power it off
# VMPULSE_GUEST_AGENT=PATH uses that static agent instead of building one.
# The VM boots Debian's kernel under QEMU (TCG by default: KVM is not usable on every
# host) with a busybox initramfs holding the modules (ID VMPULSE_MODULE_ID) and the
# static agent, forwarded to 127.0.0.1:VMPULSE_VM_AGENT_PORT. State: $VMPULSE_STATE_DIR/vm.
# shellcheck source=scripts/lib/deps.sh
source "$VMPULSE_ROOT/scripts/lib/deps.sh"
# shellcheck source=tests/kernel/guest.sh
source "$VMPULSE_ROOT/tests/kernel/guest.sh"

_vm_dir="$VMPULSE_STATE_DIR/vm"
_vm_url="http://127.0.0.1:$VMPULSE_VM_AGENT_PORT"

# _vm_marker_count MARKER: how many console lines start with MARKER so far.
_vm_marker_count() { grep -c -a "^$1" "$_vm_dir/console.log" 2>/dev/null || true; }

_vm_up() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --accel) export VMPULSE_VM_ACCEL="$2"; shift 2 ;;
      *) die "unknown option: $1" ;;
    esac
  done
  guest_running "$_vm_dir" && {
    ok "already running: $_vm_url/metrics"
    return 0
  }
  local pkgs
  mapfile -t pkgs < <(grep -Ev '^[[:space:]]*(#|$)' "$VMPULSE_ROOT/scripts/packages/kernel.apt")
  need_apt "${pkgs[@]}"
  mkdir -p "$_vm_dir"
  if [[ -n "${VMPULSE_GUEST_AGENT:-}" ]]; then
    [[ -x "$VMPULSE_GUEST_AGENT" ]] || die "VMPULSE_GUEST_AGENT=$VMPULSE_GUEST_AGENT is not an executable"
    info "agent for the VM: $VMPULSE_GUEST_AGENT"
  else
    info "building the static agent (cmake --preset static)"
    if ! (cd "$VMPULSE_ROOT" && cmake --preset static &&
      cmake --build --preset static -j "$(nproc_build)" --target vmpulse-agent) >"$_vm_dir/agent-build.log" 2>&1; then
      tail -n 20 "$_vm_dir/agent-build.log" >&2
      die "the static agent did not build; log: $_vm_dir/agent-build.log"
    fi
  fi
  info "building the modules (ID $VMPULSE_MODULE_ID) and the initramfs"
  guest_build "$_vm_dir" "$VMPULSE_MODULE_ID" || die "module or initramfs build failed; log: $_vm_dir/build.log"
  # Port taken by something else: say so rather than let QEMU fail obscurely.
  if curl -s -o /dev/null --max-time 1 "$_vm_url/" 2>/dev/null; then
    die "127.0.0.1:$VMPULSE_VM_AGENT_PORT is in use; set VMPULSE_VM_AGENT_PORT"
  fi
  info "booting $(cat "$_vm_dir/kver") under QEMU (${VMPULSE_VM_ACCEL:-tcg})"
  guest_boot "$_vm_dir" vm "$VMPULSE_VM_AGENT_PORT" || {
    cat "$_vm_dir/qemu.log" >&2
    die "QEMU did not start"
  }
  if ! guest_wait "$_vm_dir" "VMPULSE-READY" 180; then
    tail -n 40 "$_vm_dir/console.log" >&2
    guest_stop "$_vm_dir"
    die "the VM did not come up; console: $_vm_dir/console.log"
  fi
  wait_http "$_vm_url/livez" 60 || die "the agent in the VM does not answer on $_vm_url"
  ok "VM up: modules ${VMPULSE_MODULE_ID} loaded, agent at $_vm_url/metrics (sources: $_vm_url/metrics/sources)"
}

_vm_down() {
  guest_running "$_vm_dir" || {
    ok "not running"
    return 0
  }
  guest_send "$_vm_dir" poweroff || true
  guest_wait "$_vm_dir" "VMPULSE-DONE" 30 || true
  guest_stop "$_vm_dir"
  ok "VM stopped"
}

_vm_status() {
  if guest_running "$_vm_dir"; then
    if curl -fsS -o /dev/null --max-time 3 "$_vm_url/readyz" 2>/dev/null; then
      ok "vm: running (pid $(cat "$_vm_dir/qemu.pid")), agent healthy at $_vm_url/metrics"
    else
      warn "vm: running (pid $(cat "$_vm_dir/qemu.pid")), agent not answering at $_vm_url/readyz"
      return 1
    fi
  else
    echo "vm: stopped"
  fi
}

_vm_stress() {
  local secs=60 before
  # Both spellings: `vm stress 120` and `vm stress --timeout 120` (./vmpulse stress --vm).
  case "${1:-}" in
    --timeout) secs="${2:-}" ;;
    "") ;;
    *) secs="$1" ;;
  esac
  [[ "$secs" =~ ^[0-9]+$ && "$secs" -ge 1 && "$secs" -le 600 ]] || die "stress SECONDS: 1-600 (got '$secs')"
  guest_running "$_vm_dir" || die "the VM is not running (./vmpulse vm up)"
  before="$(_vm_marker_count VMPULSE-STRESS-STARTED)"
  guest_send "$_vm_dir" "stress $secs" || die "could not reach the VM's control port"
  local deadline=$((SECONDS + 30))
  while (($(_vm_marker_count VMPULSE-STRESS-STARTED) <= before)); do
    ((SECONDS < deadline)) || die "the VM did not start the stress run"
    sleep 0.2
  done
  ok "stress running in the VM for ${secs}s (2 CPU, 1 I/O, 1 VM worker of 128 MiB); watch $_vm_url/metrics"
}

_sub="${1:-}"
[[ $# -gt 0 ]] && shift
case "$_sub" in
  up) _vm_up "$@" ;;
  down) _vm_down ;;
  status) _vm_status ;;
  stress) _vm_stress "$@" ;;
  console) cat "$_vm_dir/console.log" 2>/dev/null || die "no console log yet" ;;
  *) die "usage: ./vmpulse vm up|down|status|stress [SECONDS]|console" ;;
esac
