#!/usr/bin/env bash
# The hub's live push, side by side with the floor of a fan-out and the two peers, in
# one run, on loopback, each with the same private MariaDB and the same load client
# (load_client.cpp): N WebSocket clients, 10 rows per second inserted with their commit
# time, a steady window of S seconds, then every client leaves.
#
#   floor        fanout_floor.cpp: one query per poll, one pre-built frame, one send()
#                per client, nothing else (what the kernel charges; not a usable server)
#   vmpulse-hub  at its default poll (250 ms) and at --poll 1s (the peers' cadence)
#   ws-peer      bench/peers/ws-hub: one query per second, ws broadcast
#   socketio     bench/peers/socketio-hub: the specification's server
#
# x_floor is µs per delivered message over the floor's at the same cadence and number of
# clients. Then the floor and the hub at HUB_BENCH_BIG_CLIENTS (20,000: issue #5's
# "holds 20,000 clients"; one process holds at most ulimit -n descriptors).
#
#   bench/hub/live.sh            (about 8 minutes on 2 cores; run.sh runs it)
#   HUB_BENCH_SECONDS=20 HUB_BENCH_CLIENTS=5000 HUB_BENCH_BIG_CLIENTS=20000 bench/hub/live.sh
#   HUB_BENCH_ONLY="floor hub" runs only those rows (floor hub ws socketio big)
#   HUB_BENCH_RESULTS=FILE prints the table of an earlier run's RESULT lines
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$ROOT/scripts/lib/common.sh"
# shellcheck source=scripts/lib/mariadb.sh
source "$ROOT/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"

SECONDS_STEADY="${HUB_BENCH_SECONDS:-20}"
CLIENTS="${HUB_BENCH_CLIENTS:-5000}"
BIG_CLIENTS="${HUB_BENCH_BIG_CLIENTS:-20000}"
ONLY="${HUB_BENCH_ONLY:-floor hub ws socketio big}"
RATE=10
# One load-client process holds at most this many sockets (ulimit -n less some room).
PER_PROCESS=15000

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
MAX_FDS="$(ulimit -n)"

# print_results FILE: the table and the target lines from the RESULT lines in FILE.
print_results() {
# ---- the table ----------------------------------------------------------------------
echo
echo "live push: $RATE rows/s inserted for ${SECONDS_STEADY} s; latency = commit to receipt at each client"
echo "x_floor: us/msg over the floor's at the same poll interval and number of clients"
awk '
function val(key,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
  return ""
}
/^RESULT/ {
  n++
  for (k = split("label poll_ms clients opened still_open rows_received rows_expected messages window_s cpu_cores us_per_msg db_cores rss_mib p50_ms p99_ms selects_per_s idle_cpu_cores idle_selects_per_s", keys, " "); k > 0; k--)
    r[n, keys[k]] = val(keys[k])
  if (r[n, "label"] == "floor") floor[r[n, "poll_ms"] "@" r[n, "clients"]] = r[n, "us_per_msg"]
}
END {
  printf "%-14s %5s %7s %6s %8s %8s %9s %7s %7s %8s %8s %8s %8s %9s %9s %10s\n", "server", "poll", "clients", "open", "rows_rcv", "msgs/s", "cpu_cores", "us/msg", "x_floor", "db_cores", "rss_MiB", "p50_ms", "p99_ms", "selects/s", "idle_cpu", "idle_sel/s"
  for (i = 1; i <= n; i++) {
    expected = r[i, "rows_expected"] > 0 ? r[i, "rows_expected"] : 1
    f = floor[r[i, "poll_ms"] "@" r[i, "clients"]]
    ratio = (f > 0 && r[i, "us_per_msg"] > 0) ? sprintf("%.2f", r[i, "us_per_msg"] / f) : "-"
    poll = r[i, "poll_ms"] >= 1000 ? (r[i, "poll_ms"] / 1000) "s" : r[i, "poll_ms"] "ms"
    printf "%-14s %5s %7s %6s %7.0f%% %8.0f %9.4f %7.2f %7s %8.4f %8.1f %8.1f %8.1f %9.2f %9.4f %10.2f\n", r[i, "label"], poll, r[i, "clients"], r[i, "still_open"], 100 * r[i, "rows_received"] / expected, r[i, "messages"] / r[i, "window_s"], r[i, "cpu_cores"], r[i, "us_per_msg"], ratio, r[i, "db_cores"], r[i, "rss_mib"], r[i, "p50_ms"], r[i, "p99_ms"], r[i, "selects_per_s"], r[i, "idle_cpu_cores"], r[i, "idle_selects_per_s"]
  }
}' "$1"

# ---- the targets (issue #5), from the rows above ----------------------------------------
echo
echo "targets at $CLIENTS clients (issue #5):"
awk -v clients="$CLIENTS" -v big="$BIG_CLIENTS" -v note="$BIG_NOTE" '
function val(key,   i, kv) {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
  return ""
}
function verdict(ok) { return ok ? "met" : "NOT met" }
/^RESULT/ {
  label = val("label"); poll = val("poll_ms"); n = val("clients")
  key = label "@" poll "@" n
  cores[key] = val("cpu_cores"); us[key] = val("us_per_msg"); rss[key] = val("rss_mib")
  p99[key] = val("p99_ms"); sel[key] = val("selects_per_s"); idle[key] = val("idle_cpu_cores")
  isel[key] = val("idle_selects_per_s")
  open_[key] = val("still_open"); opened[key] = val("opened")
  rcv[key] = val("rows_received"); exp_[key] = val("rows_expected")
}
END {
  for (poll = 250; poll <= 1000; poll += 750) {
    h = "vmpulse-hub@" poll "@" clients; f = "floor@" poll "@" clients
    if (!(h in cores)) continue
    printf "  poll %4d ms: cores %.4f (<= 0.05: %s; the floor %.4f); %.2f us/msg (<= 10: %s; the floor %.2f)\n", poll, cores[h], verdict(cores[h] <= 0.05), cores[f], us[h], verdict(us[h] <= 10), us[f]
    printf "               RSS %.1f MiB (<= 64: %s); p99 %.1f ms (<= %d: %s)\n", rss[h], verdict(rss[h] <= 64), p99[h], poll + 100, verdict(p99[h] <= poll + 100)
    # Every SELECT the server ran, the poll and the history rollup included; the target
    # is that they do not grow with the clients (the 20,000-client run at 250 ms; fewer
    # is fine: a busy hub polls less often).
    b = "vmpulse-hub@250@" big
    printf "               %.2f selects/s for %.2f polls/s (%.2f when idle)", sel[h], 1000 / poll, isel[h]
    if (poll == 250 && (b in sel)) printf "; %.2f with %d clients (no more with more clients: %s)", sel[b], open_[b], verdict(sel[b] - sel[h] < 0.5)
    printf "\n"
    printf "               after the clients left: %.4f cores (no work left: %s); rows delivered %.0f%%\n", idle[h], verdict(idle[h] <= 0.01), 100 * rcv[h] / (exp_[h] > 0 ? exp_[h] : 1)
  }
  b = "vmpulse-hub@250@" big
  if (b in cores) {
    printf "  %d clients asked: %d connected, %d still open at the end (holds %d: %s); rows delivered %.0f%%, p99 %.1f ms\n", big, opened[b], open_[b], big, verdict(open_[b] >= big), 100 * rcv[b] / (exp_[b] > 0 ? exp_[b] : 1), p99[b]
    if (note != "") printf "    %s\n", note
  }
}' "$1"
}

BIG_NOTE="${HUB_BENCH_BIG_NOTE:-}"
# HUB_BENCH_RESULTS=FILE: print the table of an earlier run's RESULT lines, run nothing.
if [[ -n "${HUB_BENCH_RESULTS:-}" ]]; then
  print_results "$HUB_BENCH_RESULTS"
  exit 0
fi

HUB="${VMPULSE_HUB_BIN:-$ROOT/build/bin/vmpulse-hub}"
# Every client is on 127.0.0.1 and needs no sign-in: measure the fan-out, not the limits.
HUB_BENCH_ARGS=(--reads open --max-per-address 1000000)
if [[ ! -x "$HUB" ]]; then
  info "building vmpulse-hub (release)"
  build_preset release --target vmpulse-hub >/dev/null
fi
for peer in socketio-hub ws-hub; do
  [[ -d "$ROOT/bench/peers/$peer/node_modules" ]] ||
    (cd "$ROOT/bench/peers/$peer" && npm ci --no-audit --no-fund --loglevel=error)
done

WORK="$(mktemp -d /tmp/vmpulse-hub-live.XXXXXX)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  db_stop "$WORK/db"
  rm -rf "$WORK"
}
trap cleanup EXIT

info "compiling the load client and the fan-out floor"
read -r -a MARIADB_FLAGS <<<"$(pkg-config --cflags --libs libmariadb)"
g++ -std=c++20 -O2 -o "$WORK/load_client" "$ROOT/bench/hub/load_client.cpp" "${MARIADB_FLAGS[@]}"
g++ -std=c++20 -O2 -o "$WORK/fanout_floor" "$ROOT/bench/hub/fanout_floor.cpp" "${MARIADB_FLAGS[@]}"

DB_PORT="$(free_port)"
db_start "$WORK/db" "$DB_PORT"
DB_URL="$(db_url "$WORK/db" "$DB_PORT")"
db_migrate "$DB_URL" >/dev/null
DB_PASS="$(cat "$WORK/db/password")"
DB_PID="$(cat "$WORK/db/mysqld.pid")"
PORT="$(free_port)"

# start_server LABEL CMD...: starts a server with its output in WORK/LABEL.log.
start_server() {
  local label="$1"
  shift
  "$@" >"$WORK/$label.log" 2>&1 &
  SERVER_PID=$!
}
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
# run_load LABEL POLL_MS PATH MODE CLIENTS: one row of the table.
run_load() {
  local procs=$((($5 + PER_PROCESS - 1) / PER_PROCESS))
  "$WORK/load_client" --label "$1" --port "$PORT" --path "$3" --mode "$4" --clients "$5" \
    --procs "$procs" --seconds "$SECONDS_STEADY" --rate "$RATE" --db-host 127.0.0.1 \
    --db-port "$DB_PORT" --db-user "$VMPULSE_DB_USER" --db-pass "$DB_PASS" \
    --db-name "$VMPULSE_DB_NAME" --server-pid "$SERVER_PID" --db-pid "$DB_PID" |
    sed "s/^RESULT /RESULT poll_ms=$2 /" | tee -a "$WORK/results.txt"
}
wants() { [[ " $ONLY " == *" $1 "* ]]; }
floor_env=(--port "$PORT" --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user "$VMPULSE_DB_USER"
  --db-pass "$DB_PASS" --db-name "$VMPULSE_DB_NAME")
peer_env=(PORT="$PORT" DB_HOST=127.0.0.1 DB_PORT="$DB_PORT" DB_USER="$VMPULSE_DB_USER"
  DB_PASSWORD="$DB_PASS" DB_NAME="$VMPULSE_DB_NAME")

for poll_ms in 250 1000; do
  if wants floor; then
    info "fan-out floor, poll $poll_ms ms, $CLIENTS clients"
    start_server "floor-$poll_ms" "$WORK/fanout_floor" "${floor_env[@]}" --poll-ms "$poll_ms"
    wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the floor did not start"
    run_load floor "$poll_ms" /ws ws "$CLIENTS"
    stop_server
  fi
  if wants hub; then
    info "vmpulse-hub, poll $poll_ms ms, $CLIENTS clients"
    start_server "hub-$poll_ms" env VMPULSE_DB_URL="$DB_URL" "$HUB" --listen "127.0.0.1:$PORT" \
      --poll "${poll_ms}ms" --log-level warn "${HUB_BENCH_ARGS[@]}"
    wait_http "http://127.0.0.1:$PORT/readyz" 300 || die "the hub did not become ready"
    run_load vmpulse-hub "$poll_ms" /ws ws "$CLIENTS"
    stop_server
  fi
done

if wants ws; then
  info "ws broadcast peer, $CLIENTS clients"
  start_server ws-peer env "${peer_env[@]}" node "$ROOT/bench/peers/ws-hub/server.js"
  wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the ws peer did not start"
  run_load ws-peer 1000 / ws "$CLIENTS"
  stop_server
fi

if wants socketio; then
  info "Socket.IO peer (the specification's), $CLIENTS clients"
  start_server socketio-peer env "${peer_env[@]}" node "$ROOT/bench/peers/socketio-hub/server.js"
  wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the Socket.IO peer did not start"
  run_load socketio-peer 1000 "/socket.io/?EIO=4&transport=websocket" socketio "$CLIENTS"
  stop_server
fi

if wants big && wants floor; then
  info "fan-out floor, poll 250 ms, $BIG_CLIENTS clients (ulimit -n $MAX_FDS)"
  start_server floor-big "$WORK/fanout_floor" "${floor_env[@]}" --poll-ms 250
  wait_http "http://127.0.0.1:$PORT/livez" 30 || die "the floor did not start"
  run_load floor 250 /ws ws "$BIG_CLIENTS"
  stop_server
fi
if wants big; then
  info "vmpulse-hub, poll 250 ms, $BIG_CLIENTS clients (ulimit -n $MAX_FDS)"
  start_server hub-big env VMPULSE_DB_URL="$DB_URL" "$HUB" --listen "127.0.0.1:$PORT" \
    --log-level warn "${HUB_BENCH_ARGS[@]}"
  wait_http "http://127.0.0.1:$PORT/readyz" 300 || die "the hub did not become ready"
  HUB_FDS_IDLE="$(find "/proc/$SERVER_PID/fd" -mindepth 1 | wc -l)"
  run_load vmpulse-hub 250 /ws ws "$BIG_CLIENTS"
  stop_server
  EMFILE="$(grep -c 'Too many open files' "$WORK/hub-big.log" || true)"
  BIG_NOTE="the hub's ulimit -n is $MAX_FDS and it uses $HUB_FDS_IDLE descriptors with no client"
  BIG_NOTE+=" (listener, epoll, timers, database connections, std streams): at most"
  BIG_NOTE+=" $((MAX_FDS - HUB_FDS_IDLE)) clients; accept() failed with EMFILE $EMFILE times"
fi


print_results "$WORK/results.txt"
