# shellcheck shell=bash
# summary: build every C++ component (release) into build/bin
# usage: ./vmpulse build [PRESET]   (release by default; debug, asan, static)
# shellcheck source=scripts/lib/deps.sh
source "$VMPULSE_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/build.sh
source "$VMPULSE_ROOT/scripts/lib/build.sh"

mapfile -t _pkgs < <(packages_for up)
need_apt "${_pkgs[@]}"
build_preset "${1:-release}"
ok "binaries in build/bin"
