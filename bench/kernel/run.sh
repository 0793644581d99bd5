#!/usr/bin/env bash
# The kernel modules against what a userspace collector reads instead, in the QEMU
# guest: one read of /proc/procesos_<id> (every process's pid, state, CPU time, RSS,
# start and name, and the counts) against a scan of /proc/[pid]/stat (what
# the agent's procfs fallback and node_exporter's process collector do), with ~100
# and with 1,000 extra processes; and /proc/cpu_<id>, /proc/ram_<id> against
# /proc/stat and /proc/meminfo. Prints one table. Under TCG everything is slower than
# on hardware: read the ratios.
# usage: bench/kernel/run.sh
set -euo pipefail
VMPULSE_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$VMPULSE_ROOT/scripts/lib/common.sh"
# shellcheck source=tests/kernel/guest.sh
source "$VMPULSE_ROOT/tests/kernel/guest.sh"

work="$(mktemp -d /tmp/vmpulse-kernel-bench.XXXXXX)"
trap 'guest_stop "$work"; rm -rf "$work"' EXIT
guest_build "$work" "$VMPULSE_MODULE_ID"
guest_boot "$work" bench "$(free_port)"
if ! guest_wait "$work" "VMPULSE-DONE" 600 || ! grep -q -a '^VMPULSE-BENCH' "$work/console.log"; then
  cat "$work/console.log"
  die "the benchmark guest did not finish"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
kver="$(cat "$work/kver")"
echo "kernel $kver under QEMU (${VMPULSE_VM_ACCEL:-tcg}, 2 vCPUs); mean time per read, ns"
echo
printf '%-8s %7s %8s | %14s %14s %7s | %10s %10s %6s | %10s %12s %6s\n' \
  extra procs bytes "procesos_$VMPULSE_MODULE_ID" "/proc scan" ratio \
  "cpu_$VMPULSE_MODULE_ID" /proc/stat ratio "ram_$VMPULSE_MODULE_ID" /proc/meminfo ratio
grep -a '^VMPULSE-BENCH' "$work/console.log" | tr -d '\r' | while read -r _ fields; do
  declare -A v=()
  for kv in $fields; do v[${kv%%=*}]="${kv#*=}"; done
  printf '%-8s %7s %8s | %14s %14s %6sx | %10s %10s %5sx | %10s %12s %5sx\n' \
    "${v[extra]}" "${v[procs]}" "${v[procesos_bytes]}" "${v[procesos_module_ns]}" "${v[procfs_scan_ns]}" \
    "$(ratio "${v[procfs_scan_ns]}" "${v[procesos_module_ns]}")" \
    "${v[cpu_module_ns]}" "${v[proc_stat_ns]}" "$(ratio "${v[proc_stat_ns]}" "${v[cpu_module_ns]}")" \
    "${v[ram_module_ns]}" "${v[proc_meminfo_ns]}" "$(ratio "${v[proc_meminfo_ns]}" "${v[ram_module_ns]}")"
done
