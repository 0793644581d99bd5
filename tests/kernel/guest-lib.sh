# shellcheck shell=dash # busybox ash, the closest dialect shellcheck knows
# Sourced by the guest's scripts: markers, module loading, reading fields.
ID="${VMPULSE_ID:-so1}"
KINDS="cpu ram procesos"

pass() { echo "VMPULSE-PASS $*"; }
fail() { echo "VMPULSE-FAIL $*"; }
# result NAME CONDITION-TEXT CMD...: PASS or FAIL (with the detail) for one check.
result() {
	name="$1"
	detail="$2"
	shift 2
	if "$@"; then pass "$name"; else fail "$name: $detail"; fi
}

modules_load() {
	for k in $KINDS; do insmod "/vmpulse/modules/${k}_$ID.ko" || return 1; done
}
modules_unload() {
	for k in $KINDS; do rmmod "${k}_$ID" || return 1; done
}

# field FILE NAME: one top-level member of the JSON object in FILE (vmcheck json).
field() { grep "^$2=" "$1" | head -n1 | cut -d= -f2; }

# snapshot KIND OUT: the module file, validated, as key=value lines in OUT.
snapshot() { vmcheck json "/proc/${1}_$ID" >"$2"; }

# hundredths 12.34 -> 1234 (busybox sh has integer arithmetic only).
hundredths() {
	whole="${1%%.*}"
	frac="${1#*.}"
	[ "$frac" = "$1" ] && frac=00
	frac="$(printf '%s00' "$frac" | cut -c1-2)"
	echo $((whole * 100 + ${frac#0}))
}

# within A B TOL: |A - B| <= TOL
within() {
	d=$(($1 - $2))
	[ "$d" -lt 0 ] && d=$((-d))
	[ "$d" -le "$3" ]
}
