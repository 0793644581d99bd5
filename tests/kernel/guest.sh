# shellcheck shell=bash
# The QEMU guest that runs vmpulse's kernel modules, shared by the kernel suite
# (tests/suites/30-kernel.sh), the benchmark (bench/kernel/) and `./vmpulse vm`.
# Source it after scripts/lib/common.sh; it defines, it does not run anything.
#
#   guest_kver                    the Debian kernel to boot and build against
#   guest_build DIR [ID]          modules + vmcheck (+ static agent, vmpulse-module-tasks
#                                 if built) -> DIR/initramfs.gz
#   guest_boot DIR MODE PORT      starts QEMU in the background (DIR/qemu.pid, DIR/console.log)
#   guest_wait DIR MARKER SECS    waits for a line starting with MARKER on the console
#   guest_send DIR LINE           writes a line to the guest's control port (ttyS1)
#   guest_stop DIR                stops QEMU
#
# The guest talks to the host through its serial console: lines "VMPULSE-<WHAT> ..."
# (see tests/kernel/init). The host talks to the guest through a second serial port.

GUEST_DIR_SRC="$VMPULSE_ROOT/tests/kernel"
GUEST_MEM_MB="${VMPULSE_VM_MEMORY_MB:-512}"

# The newest kernel that has both an image in /boot and headers: this host may run
# another kernel (uname -r is not the one to use).
guest_kver() {
  local v best=""
  for v in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V); do
    [[ -f "/boot/vmlinuz-$v" && -d "/lib/modules/$v/build" ]] && best="$v"
  done
  [[ -n "$best" ]] || {
    echo "no kernel with headers: apt-get install linux-image-amd64 linux-headers-amd64" >&2
    return 1
  }
  echo "$best"
}

# The static agent, when it has been built (cmake --preset static).
guest_agent_binary() { echo "${VMPULSE_GUEST_AGENT:-$VMPULSE_ROOT/build/static/bin/vmpulse-agent}"; }
# The agent's parser of /proc/procesos_<id> as a command (agent/tools/module_tasks.cpp),
# built beside the static agent; the suite checks the module's list with it.
guest_module_tasks_binary() { echo "$(dirname "$(guest_agent_binary)")/vmpulse-module-tasks"; }

# guest_modules_with_deps KVER MOD...: the .ko paths MOD needs, dependencies first.
guest_modules_with_deps() {
  local kver="$1" mod
  shift
  local dep="/lib/modules/$kver/modules.dep"
  for mod in "$@"; do
    local line
    line="$(grep -E "/${mod}\.ko(\.xz|\.zst|\.gz)?:" "$dep")" || {
      echo "module $mod not found in $dep" >&2
      return 1
    }
    # modules.dep lists a module's dependencies nearest first: load them in reverse.
    tr ' ' '\n' <<<"${line#*:}" | sed '/^$/d' | tac
    echo "${line%%:*}"
  done | awk '!seen[$0]++'
}

# guest_build DIR [ID]: builds the modules for the guest's kernel and packs the
# initramfs. Prints nothing on success; the build logs go to DIR/build.log.
guest_build() {
  local dir="$1" id="${2:-$VMPULSE_MODULE_ID}" kver root
  kver="$(guest_kver)" || return 1
  mkdir -p "$dir"
  root="$dir/root"
  rm -rf "$root"
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,vmpulse/modules,vmpulse/drivers}

  # The modules build in a copy of kernel/ so that parallel runs (the suite, the VM,
  # a developer's make) never share Kbuild's output files.
  rm -rf "$dir/kernel"
  cp -r "$VMPULSE_ROOT/kernel" "$dir/kernel"
  make -C "$dir/kernel" clean >/dev/null 2>&1 || true
  # Warnings are errors here (the kernel we test on), not in the Makefile for users' kernels.
  if ! make -C "$dir/kernel" ID="$id" KVER="$kver" KCFLAGS=-Werror >"$dir/build.log" 2>&1; then
    cat "$dir/build.log" >&2
    return 1
  fi
  cp "$dir"/kernel/*_"$id".ko "$root/vmpulse/modules/"

  if ! gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/vmcheck" \
    "$GUEST_DIR_SRC/vmcheck.c" >>"$dir/build.log" 2>&1; then
    cat "$dir/build.log" >&2
    return 1
  fi
  cp /bin/busybox "$root/bin/busybox"
  [[ -x "$(guest_agent_binary)" ]] && cp "$(guest_agent_binary)" "$root/bin/vmpulse-agent"
  [[ -x "$(guest_module_tasks_binary)" ]] && cp "$(guest_module_tasks_binary)" "$root/bin/vmpulse-module-tasks"

  # virtio-net and what it needs, uncompressed so that busybox insmod loads them.
  local ko name
  : >"$root/vmpulse/drivers/order"
  while IFS= read -r ko; do
    name="$(basename "$ko")"
    case "$ko" in
      *.xz) xz -dc "/lib/modules/$kver/$ko" >"$root/vmpulse/drivers/${name%.xz}" ;;
      *.zst) zstd -qdc "/lib/modules/$kver/$ko" >"$root/vmpulse/drivers/${name%.zst}" ;;
      *.gz) gzip -dc "/lib/modules/$kver/$ko" >"$root/vmpulse/drivers/${name%.gz}" ;;
      *) cp "/lib/modules/$kver/$ko" "$root/vmpulse/drivers/$name" ;;
    esac
    basename "$name" | sed -E 's/\.(xz|zst|gz)$//' >>"$root/vmpulse/drivers/order"
  done < <(guest_modules_with_deps "$kver" virtio_pci virtio_net) || return 1

  install -m 0755 "$GUEST_DIR_SRC/init" "$root/init"
  install -m 0755 "$GUEST_DIR_SRC"/guest-*.sh "$root/vmpulse/"
  echo "$id" >"$root/vmpulse/id"
  echo "$kver" >"$dir/kver"
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"
}

# guest_boot DIR MODE PORT [APPEND...]: QEMU in the background; MODE is what the
# guest's init runs (test, vm, bench); PORT on 127.0.0.1 forwards to the guest's 8080.
guest_boot() {
  local dir="$1" mode="$2" port="$3" kver
  shift 3
  kver="$(cat "$dir/kver")"
  rm -f "$dir/console.log" "$dir/ctl.in" "$dir/ctl.out" "$dir/qemu.pid"
  mkfifo "$dir/ctl.in" "$dir/ctl.out"
  local accel="${VMPULSE_VM_ACCEL:-tcg}"
  # KVM is advertised on some hosts but does not work; TCG unless asked.
  qemu-system-x86_64 -accel "$accel" -machine q35 -cpu max -smp 2 -m "$GUEST_MEM_MB" \
    -kernel "/boot/vmlinuz-$kver" -initrd "$dir/initramfs.gz" \
    -append "console=ttyS0 loglevel=4 panic=-1 vmpulse.mode=$mode $*" \
    -display none -monitor none -no-reboot \
    -serial "file:$dir/console.log" -serial "pipe:$dir/ctl" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" -device virtio-net-pci,netdev=n0 \
    -pidfile "$dir/qemu.pid" -daemonize >"$dir/qemu.log" 2>&1
}

# guest_wait DIR MARKER SECONDS: 0 when the console shows a line starting with MARKER;
# 1 on timeout or when QEMU is gone (the console log then says why).
guest_wait() {
  local dir="$1" marker="$2" deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    grep -q -a "^${marker}" "$dir/console.log" 2>/dev/null && return 0
    guest_running "$dir" || {
      grep -q -a "^${marker}" "$dir/console.log" 2>/dev/null
      return
    }
    sleep 0.2
  done
  return 1
}

guest_running() {
  local pid
  pid="$(cat "$1/qemu.pid" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

guest_send() {
  # QEMU holds the fifo open for reading, so this write does not block.
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
  timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$2" "$1/ctl.in"
}

# guest_stop DIR: QEMU's own pid (from its pidfile), TERM then KILL.
guest_stop() {
  local pid _
  pid="$(cat "$1/qemu.pid" 2>/dev/null)" || return 0
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
