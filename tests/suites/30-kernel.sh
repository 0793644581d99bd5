#!/usr/bin/env bash
# The kernel modules in a QEMU guest (this host cannot load modules): builds them
# against Debian's kernel headers, boots that kernel with an initramfs holding them,
# and counts the guest's PASS/FAIL lines; then checks the static agent in the guest
# from here, through a forwarded loopback port.
# timeout: 900
set -uo pipefail
# shellcheck source=tests/lib/suite.sh
source "$(dirname "$0")/../lib/suite.sh"
# shellcheck source=tests/kernel/guest.sh
source "$VMPULSE_ROOT/tests/kernel/guest.sh"

work="$(mktemp -d /tmp/vmpulse-kernel-test.XXXXXX)"
cleanup() {
  guest_stop "$work"
  guest_stop "$work/state/vm"
  rm -rf "$work"
}
trap cleanup EXIT

# The static agent for the guest, and the agent's parser of the process list as a
# command; without them the agent and list checks fail (not skipped).
agent_built=0
if (cmake --preset static && cmake --build --preset static -j2 --target vmpulse-agent vmpulse-module-tasks) \
  >"$work/agent-build.log" 2>&1; then
  agent_built=1
else
  tail -n 30 "$work/agent-build.log"
fi
check "static agent builds (cmake --preset static)" test $agent_built = 1

if ! guest_build "$work" "$VMPULSE_MODULE_ID"; then
  check "modules and initramfs build" false
  suite_end
  exit 1
fi
check "modules and initramfs build for $(cat "$work/kver")" true
# Every module the Makefile promised, and modinfo agrees on the license.
for kind in cpu ram procesos; do
  ko="$work/kernel/${kind}_${VMPULSE_MODULE_ID}.ko"
  check "${kind}_${VMPULSE_MODULE_ID}.ko is GPL" \
    bash -c "[[ \"\$(modinfo -F license '$ko')\" == GPL ]]"
done

port="$(free_port)"
guest_boot "$work" test "$port" || {
  cat "$work/qemu.log"
  check "qemu starts" false
  suite_end
  exit 1
}

# Each wait is bounded so that a hung guest still ends the suite with its console
# printed, well inside the suite's own limit.
if ! guest_wait "$work" "VMPULSE-BOOTED" 180; then
  check "guest boots" false
  echo "---- guest console ----"
  cat "$work/console.log" "$work/qemu.log"
  suite_end
  exit 1
fi
# The agent checks happen while the guest waits on its control port.
if guest_wait "$work" "VMPULSE-AGENT-" 180 && grep -q -a '^VMPULSE-AGENT-MODULES' "$work/console.log"; then
  url="http://127.0.0.1:$port"
  # sources_are WANT: every source a module can provide (cpu, memory, processes and
  # process_top, those with a module file in /metrics/sources) comes from WANT; the
  # version 2 sources only procfs provides do not count.
  sources_are() {
    curl -fsS --max-time 5 "$url/metrics/sources" | python3 -c '
import json, sys
sources = [s for s in json.load(sys.stdin)["sources"].values() if s["module"] is not None]
sys.exit(0 if len(sources) == 4 and all(s["from"] == sys.argv[1] for s in sources) else 1)' "$1"
  }
  wait_sources() {  # the agent samples every 500 ms; under TCG give it 20 s
    local deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
      sources_are "$1" && return 0
      sleep 0.5
    done
    curl -sS --max-time 5 "$url/metrics/sources"
    return 1
  }
  check "agent in the guest answers on the forwarded port" wait_http "$url/livez" 60
  check "agent: every value a module provides (procesos_top included) from the module while loaded" wait_sources module
  # /metrics against the module files the guest printed just before: memory total
  # exact, available within 16 MiB, process total within 3 (the guest is quiet).
  agrees() {
    python3 - "$work/console.log" "$url" <<'PY'
import json, sys, urllib.request
files = {}
for line in open(sys.argv[1], errors="replace"):
    if line.startswith("VMPULSE-FILE "):
        _, kind, text = line.rstrip("\r\n").split(" ", 2)
        files[kind] = json.loads(text)
record = json.load(urllib.request.urlopen(sys.argv[2] + "/metrics", timeout=5))
print("modules", files, "agent", record)
ok = (record["total_ram"] == files["ram"]["total_ram"]
      and abs(record["ram_libre"] - files["ram"]["ram_libre"]) <= 16
      and abs(record["total_procesos"] - files["procesos"]["total_procesos"]) <= 3)
sys.exit(0 if ok else 1)
PY
  }
  check "agent: /metrics agrees with /proc/ram_${VMPULSE_MODULE_ID} and /proc/procesos_${VMPULSE_MODULE_ID}" agrees
  guest_send "$work" unload
  if guest_wait "$work" "VMPULSE-AGENT-PROCFS" 60; then
    check "agent: every value a module provides from procfs once unloaded" wait_sources procfs
  else
    check "guest unloaded the modules for the agent" false
  fi
  guest_send "$work" "done"
else
  check "agent started in the guest" false
fi

if guest_wait "$work" "VMPULSE-DONE" 300; then
  check "guest ran to the end" true
else
  check "guest ran to the end" false
fi
# The guest's own checks.
while IFS= read -r line; do
  case "$line" in
    VMPULSE-PASS*) check "guest: ${line#VMPULSE-PASS }" true ;;
    VMPULSE-FAIL*) check "guest: ${line#VMPULSE-FAIL }" false ;;
  esac
done < <(grep -a -E '^VMPULSE-(PASS|FAIL)' "$work/console.log" | tr -d '\r')

# ./vmpulse vm: the same guest for people, up, stressed, down; its own state dir and
# port so that a developer's VM is untouched.
if [[ $agent_built == 1 ]]; then
  vm_port="$(free_port)"
  vm() {
    VMPULSE_STATE_DIR="$work/state" VMPULSE_VM_AGENT_PORT="$vm_port" \
      VMPULSE_GUEST_AGENT="$(guest_agent_binary)" timeout 300 "$VMPULSE_ROOT/vmpulse" vm "$@"
  }
  vm_status_is() { vm status | grep -q "$1"; }
  vm_cpu_above() {  # the agent in the VM reports porcentaje_cpu_uso >= $1 within 20 s
    local deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
      curl -fsS --max-time 3 "http://127.0.0.1:$vm_port/metrics" | python3 -c '
import json, sys
sys.exit(0 if json.load(sys.stdin)["porcentaje_cpu_uso"] >= float(sys.argv[1]) else 1)' "$1" && return 0
      sleep 0.5
    done
    return 1
  }
  check "vm up" vm up
  check "vm status says running" vm_status_is running
  check "vm stress starts" vm stress 8
  check "vm under stress: the agent reports CPU >= 80 %" vm_cpu_above 80
  check "vm down" vm down
  check "vm status says stopped" vm_status_is stopped
  guest_stop "$work/state/vm"
fi

if ((_suite_failed > 0)); then # counted by suite.sh
  echo "---- guest console ----"
  cat "$work/console.log"
  echo "---- agent build (tail) ----"
  tail -n 20 "$work/agent-build.log"
fi
suite_end
