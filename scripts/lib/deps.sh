# shellcheck shell=bash
# Installing what vmpulse needs on a Debian 12 machine: the Debian packages listed in
# scripts/packages/*.apt (each file says on its first line which commands need it,
# "# for: up test") and the npm dependencies of each Node.js folder.

_apt_updated=""

# apt_missing PKG...: prints the packages that are not installed.
apt_missing() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$pkg"
    fi
  done
}

# need_apt PKG...: installs whatever of PKG is missing (apt-get update once per run,
# no recommends, waiting on the dpkg lock instead of failing on it).
need_apt() {
  local missing
  mapfile -t missing < <(apt_missing "$@")
  ((${#missing[@]} == 0)) && return 0
  info "installing Debian packages: ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
  if [[ -z "$_apt_updated" ]]; then
    as_root "${apt[@]}" update >/dev/null || die "apt-get update failed"
    _apt_updated=1
  fi
  as_root "${apt[@]}" install --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/vmpulse-apt.log" 2>&1 ||
    die "apt-get install failed; see ${TMPDIR:-/tmp}/vmpulse-apt.log"
  # Debian starts some daemons on install (mariadb, nginx, netdata); vmpulse runs its
  # own private instances, so stop the system's copies where they were started.
  local svc
  for svc in mariadb nginx netdata prometheus-node-exporter; do
    if printf '%s\n' "${missing[@]}" | grep -qx "${svc}\|${svc}-server"; then
      as_root service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
}

# packages_for PURPOSE: every package listed for PURPOSE (up or test).
packages_for() {
  local purpose="$1" file
  for file in "$VMPULSE_ROOT"/scripts/packages/*.apt; do
    if head -n1 "$file" | grep -Eq "^# for:.*\b${purpose}\b"; then
      grep -Ev '^[[:space:]]*(#|$)' "$file"
    fi
  done | sort -u
}

need_packages_for() {
  local pkgs
  mapfile -t pkgs < <(packages_for "$1")
  need_apt "${pkgs[@]}"
  need_node
}

# need_node: Node.js 20+ with npm (Debian 12's own nodejs is 18; the machines this
# project runs on ship 20, so use it when present and fall back to Debian's).
need_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    need_apt nodejs npm
  fi
}

# need_npm DIR: npm ci in DIR when its node_modules is missing or older than the lock.
need_npm() {
  local dir="$VMPULSE_ROOT/$1"
  [[ -f "$dir/package-lock.json" ]] || return 0
  if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    info "npm ci in $1"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $1"
  fi
}
