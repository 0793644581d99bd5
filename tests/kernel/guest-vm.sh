#!/bin/sh
# shellcheck shell=dash # busybox ash, the closest dialect shellcheck knows
# `./vmpulse vm`: the modules loaded and the agent serving on 8080 (forwarded to the
# host's loopback), then commands from the host's control port until poweroff:
#   stress SECONDS   the specification's stress shape for SECONDS (at most 600)
#   poweroff         stop the VM
# shellcheck source=tests/kernel/guest-lib.sh # (at /vmpulse/ in the guest)
. /vmpulse/guest-lib.sh
if modules_load; then
	echo "VMPULSE-MODULES loaded ${KINDS} ($ID)"
else
	echo "VMPULSE-FAIL modules did not load; the agent falls back to /proc"
fi
if [ -x /bin/vmpulse-agent ]; then
	VMPULSE_STATE_DIR=/tmp vmpulse-agent --listen 0.0.0.0:8080 --module-id "$ID" \
		--vm vmpulse-guest >/tmp/agent.log 2>&1 &
	for _ in $(seq 100); do
		wget -q -O /dev/null http://127.0.0.1:8080/livez 2>/dev/null && break
		usleep 100000
	done
	echo "VMPULSE-READY agent"
else
	echo "VMPULSE-READY no-agent"
fi

# stress --cpu 2 --io 1 --vm 1 --vm-bytes 128M --timeout N, in busybox terms:
# two spinning shells, one shell calling sync, one dd that fills a 128 MiB buffer
# over and over (allocating and touching 128 MiB, as stress's --vm worker does).
stress() {
	secs="$1"
	case "$secs" in '' | *[!0-9]*) secs=60 ;; esac
	[ "$secs" -gt 600 ] && secs=600
	echo "VMPULSE-STRESS-STARTED seconds=$secs"
	timeout -s KILL "$secs" sh -c 'while :; do :; done' &
	timeout -s KILL "$secs" sh -c 'while :; do :; done' &
	timeout -s KILL "$secs" sh -c 'while :; do sync; done' &
	timeout -s KILL "$secs" sh -c 'while :; do dd if=/dev/zero of=/dev/null bs=128M count=1 2>/dev/null; done' &
	wait
	echo "VMPULSE-STRESS-DONE"
}

while :; do
	read -r cmd arg </dev/ttyS1 || { usleep 200000; continue; }
	case "$cmd" in
	# Detached (the subshell exits at once) so that no finished run lingers as a
	# zombie of this shell, which only reaps while it waits: init adopts it.
	stress) (stress "$arg" &) ;;
	poweroff) break ;;
	'') ;;
	*) echo "VMPULSE-UNKNOWN-COMMAND $cmd" ;;
	esac
done
