# shellcheck shell=bash
# Building the C++ components with a CMake preset (CMakePresets.json).

# build_preset PRESET [cmake --build args...]
build_preset() {
  local preset="$1"
  shift
  (
    cd "$VMPULSE_ROOT" || exit 1
    if [[ ! -f "build/$preset/build.ninja" ]]; then
      cmake --preset "$preset" >/dev/null || die "cmake configure failed (preset $preset)"
    fi
    cmake --build --preset "$preset" -j "$(nproc_build)" "$@" || die "build failed (preset $preset)"
  )
}
