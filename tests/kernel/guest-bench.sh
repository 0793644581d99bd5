#!/bin/sh
# shellcheck shell=dash # busybox ash, the closest dialect shellcheck knows
# bench/kernel: inside the guest, one read of each module file against what a
# userspace collector reads instead, with ~100 and with 1,000 extra processes. The
# procesos file lists every process (pid, state, CPU time, RSS, start, name), the
# scan reads the same from every /proc/[pid]/stat.
# Prints "VMPULSE-BENCH key=value ..." lines; the host makes the table.
# shellcheck source=tests/kernel/guest-lib.sh # (at /vmpulse/ in the guest)
. /vmpulse/guest-lib.sh
modules_load || { fail "modules did not load"; exit 1; }
for extra in 100 1000; do
	vmcheck hold "$extra" >/tmp/hold &
	holder=$!
	for _ in $(seq 600); do grep -q held /tmp/hold && break; usleep 100000; done
	procs=$(vmcheck scan | grep '^total_procesos=' | cut -d= -f2)
	bytes=$(wc -c <"/proc/procesos_$ID")
	# Repetitions sized so each measurement takes about a second or more under TCG.
	module=$(vmcheck bench 2000 "/proc/procesos_$ID" | cut -d= -f2)
	scan=$(vmcheck bench 20 scan | cut -d= -f2)
	cpu=$(vmcheck bench 2000 "/proc/cpu_$ID" | cut -d= -f2)
	stat=$(vmcheck bench 2000 /proc/stat | cut -d= -f2)
	ram=$(vmcheck bench 2000 "/proc/ram_$ID" | cut -d= -f2)
	meminfo=$(vmcheck bench 2000 /proc/meminfo | cut -d= -f2)
	echo "VMPULSE-BENCH extra=$extra procs=$procs procesos_bytes=$bytes procesos_module_ns=$module procfs_scan_ns=$scan cpu_module_ns=$cpu proc_stat_ns=$stat ram_module_ns=$ram proc_meminfo_ns=$meminfo"
	kill $holder
	wait $holder 2>/dev/null
done
