#!/usr/bin/env bash
# libFuzzer on the ingest-body parser and the HTTP request conversion (fuzz/): builds
# them with clang + ASan/UBSan in build/fuzz, replays the checked-in corpus, then
# fuzzes each for a bounded time. Any crash, leak, sanitizer report or hang fails.
# timeout: 1200
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh

seconds_each="${VMPULSE_FUZZ_SECONDS:-30}"
build="build/fuzz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Line tables only (not full -g): enough for the sanitizers' stack traces, and less to
# compile (docs/development.md, "Where the suite's time goes").
configure() {
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DVMPULSE_FUZZ=ON -DVMPULSE_BENCH=OFF -DVMPULSE_COMPONENTS="core;fuzz" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
    >"$work/configure.log" 2>&1 || { tail -n 30 "$work/configure.log"; return 1; }
}

build_fuzzers() {
  cmake --build "$build" -j 2 --target fuzz_ingest_body fuzz_http_request >"$work/build.log" 2>&1 ||
    { tail -n 60 "$work/build.log"; return 1; }
}

# replay NAME: every checked-in input once (a regression test for past findings).
replay() {
  local name="$1"
  "$build/bin/fuzz_$name" -runs=0 "fuzz/corpus/$name" >"$work/replay-$name.log" 2>&1 ||
    { tail -n 40 "$work/replay-$name.log"; return 1; }
}

# fuzz NAME: bounded run on a scratch copy of the corpus, so the checked-in one only
# grows by hand (copy a crash input there once it is fixed).
fuzz() {
  local name="$1" dict=()
  [[ -f "fuzz/$name.dict" ]] && dict=("-dict=fuzz/$name.dict")
  mkdir -p "$work/corpus-$name"
  cp "fuzz/corpus/$name"/* "$work/corpus-$name/"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/bin/fuzz_$name" -max_total_time="$seconds_each" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$name-" "${dict[@]}" "$work/corpus-$name" \
    >"$work/fuzz-$name.log" 2>&1
  local rc=$?
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$work/fuzz-$name.log" | tail -n 2
  if [[ $rc -ne 0 ]]; then
    tail -n 60 "$work/fuzz-$name.log"
    for crash in "$work/$name"-crash-* "$work/$name"-leak-* "$work/$name"-timeout-*; do
      [[ -f "$crash" ]] && { echo "input $crash:"; head -c 600 "$crash" | od -c | head -n 20; }
    done
    return 1
  fi
}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ is not installed (scripts/packages/core.apt lists clang)"
  check "clang++ available" false
  suite_end
  exit $?
fi

check "configure build/fuzz with clang" configure
check "build the fuzzers" build_fuzzers
fuzzers=(ingest_body http_request)
for name in "${fuzzers[@]}"; do
  check "replay fuzz/corpus/$name" replay "$name"
done
# Each fuzzer is one process on one core: both run at once, each for its whole time.
declare -A fuzz_pid
for name in "${fuzzers[@]}"; do
  fuzz "$name" >"$work/fuzz-$name.out" 2>&1 &
  fuzz_pid[$name]=$!
done
fuzz_result() {
  cat "$work/fuzz-$1.out"
  wait "${fuzz_pid[$1]}"
}
for name in "${fuzzers[@]}"; do
  check "fuzz $name for ${seconds_each}s without a finding" fuzz_result "$name"
done
suite_end
