#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Throughput of reel-simulator (tools/simulator) for a JSON status answer, measured with wrk.
#
#   benchmarks/simulator/run_wrk.sh [SIMULATOR]   (default: build/release/tools/simulator/reel-simulator)
#
# It builds nothing; build an optimised, non-sanitized binary first:
#   cmake --preset release && cmake --build build/release --target reel_simulator
#
# The simulator runs pinned to one core (taskset -c SERVER_CPU, default 0) with a one-hour job
# duration, no rate limits and no abuse guard (a config file in a temporary directory), so every
# answer is a 200. One Venice job and one Lumenfall video are created with curl, then wrk, pinned
# to the other core (taskset -c CLIENT_CPU, default 1, one wrk thread), runs against
#   venice.retrieve   POST /api/v1/video/retrieve   (retrieve.lua; ~80-byte PROCESSING answer)
#   lumenfall.status  GET  /openai/v1/videos/{id}   (status.lua; ~510-byte VideoResource)
# for each connection count in CONNECTIONS ("1 16 64") for DURATION (10s) each, after a WARMUP (2s)
# run per endpoint. The Lua scripts count every non-200 answer; the script prints a table
# (requests/s, latency p50/p90/p99, the simulator's and wrk's CPU use, how idle the two cores
# stayed) and exits 1 if any answer was not a 200 or a socket failed.
# Environment: CONNECTIONS, DURATION, WARMUP, SERVER_CPU, CLIENT_CPU, BENCH_TMPDIR.
# Nothing but 127.0.0.1 is contacted; the simulator is stopped on every exit path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
sim=${1:-$root/build/release/tools/simulator/reel-simulator}
read -r -a connections <<<"${CONNECTIONS:-1 16 64}"
duration=${DURATION:-10s}
warmup=${WARMUP:-2s}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
key=bench-key
venice_model=wan-2.5-preview-text-to-video

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

die() { echo "run_wrk: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
command -v curl >/dev/null || die "curl not found: apt-get install curl"
command -v taskset >/dev/null || die "taskset not found: apt-get install util-linux"
[[ -x $sim ]] || die "$sim not found; build it: cmake --preset release && cmake --build build/release --target reel_simulator"
cache=$(dirname "$sim")/../../CMakeCache.txt
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$cache" 2>/dev/null; then
  echo "run_wrk: warning: $sim does not look like a Release build; the numbers will not mean much" >&2
fi
if grep -q '^REEL_SANITIZE:STRING=.\+' "$cache" 2>/dev/null; then
  echo "run_wrk: warning: $sim is built with sanitizers; the numbers will not mean much" >&2
fi

# ---- simulator -----------------------------------------------------------------------------------
tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/reel-sim-wrk.XXXXXX")
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Config keys are reel_sim::Config's members; absent keys keep their defaults. The defaults limit
# venice.retrieve to 120/min per key and block a key after 20 failures, which would turn a
# benchmark into one of 429s.
printf '%s\n' '{"rate_limits": {}, "abuse_guard": false}' >"$tmp/config.json"

taskset -c "$server_cpu" "$sim" --port 0 --port-file "$tmp/port" --config "$tmp/config.json" \
  --job-ms 3600000 --idle-timeout 120 --quiet >"$tmp/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
  [[ -s $tmp/port ]] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$tmp/sim.log" >&2; die "the simulator exited"; }
  sleep 0.05
done
[[ -s $tmp/port ]] || die "the simulator wrote no port file"
port=$(tr -d '[:space:]' <"$tmp/port")
base=http://127.0.0.1:$port

post() {  # post PATH BODY: prints the response body; fails on a non-2xx status
  curl -q -sS --fail --noproxy '*' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    --data-binary "$2" "$base$1"
}
json_field() {  # json_field NAME < JSON: the value of the first string member NAME
  sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}

queue_id=$(post /api/v1/video/queue \
  "{\"model\":\"$venice_model\",\"prompt\":\"bench\",\"duration\":\"5s\",\"aspect_ratio\":\"16:9\"}" | json_field queue_id)
[[ -n $queue_id ]] || die "queueing the Venice job failed"
video_id=$(post /openai/v1/videos '{"model":"sora-2","prompt":"bench","seconds":"4","size":"1280x720"}' | json_field id)
[[ -n $video_id ]] || die "creating the Lumenfall video failed"

retrieve_answer=$(post /api/v1/video/retrieve "{\"model\":\"$venice_model\",\"queue_id\":\"$queue_id\"}")
status_answer=$(curl -q -sS --fail --noproxy '*' -H "Authorization: Bearer $key" "$base/openai/v1/videos/$video_id")
[[ $retrieve_answer == *'"status":"PROCESSING"'* ]] || die "retrieve answered: $retrieve_answer"
echo "venice.retrieve answer (${#retrieve_answer} B): $retrieve_answer"
echo "lumenfall.status answer: ${#status_answer} B"

# ---- wrk -----------------------------------------------------------------------------------------
# run NAME SCRIPT URL CONNECTIONS DURATION: one wrk run; appends a table row unless NAME is empty.
# Besides wrk's own figures, a row has the CPU time the simulator used (from /proc/PID/stat) as a
# share of one core and per request, wrk's CPU share (bash's `time`), and how idle each of the two
# cores stayed (/proc/stat). When the simulator is below 100 % of its core and that core was not
# idle either, other processes took it; when it was idle, the client set the pace.
rows=()
failed=0
hz=$(getconf CLK_TCK)
sim_ticks() {  # user + system clock ticks the simulator has used so far
  awk '{ print $14 + $15 }' "/proc/$sim_pid/stat"
}
field() {  # field NAME RESULT-LINE
  sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"
}
idle_ticks() {  # idle_ticks CPU: idle + iowait ticks of that CPU so far
  awk -v cpu="cpu$1" '$1 == cpu { print $5 + $6 }' /proc/stat
}
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
run() {
  local ticks0 ticks1 result TIMEFORMAT='%U %S %R' sidle0 sidle1 cidle0 cidle1
  ticks0=$(sim_ticks)
  sidle0=$(idle_ticks "$server_cpu")
  cidle0=$(idle_ticks "$client_cpu")
  if ! { time QUEUE_ID="$queue_id" MODEL="$venice_model" API_KEY="$key" \
      taskset -c "$client_cpu" wrk -t 1 -c "$4" -d "$5" --timeout 5s -s "$2" "$3" >"$tmp/wrk.out" 2>&1; } \
      2>"$tmp/time.out"; then
    cat "$tmp/wrk.out" >&2
    die "wrk failed"
  fi
  ticks1=$(sim_ticks)
  sidle1=$(idle_ticks "$server_cpu")
  cidle1=$(idle_ticks "$client_cpu")
  result=$(grep '^RESULT ' "$tmp/wrk.out" || true)
  [[ -n $result ]] || { cat "$tmp/wrk.out" >&2; die "wrk printed no RESULT line"; }
  [[ -z $1 ]] && return 0
  grep -v '^RESULT ' "$tmp/wrk.out" | sed 's/^/    /'
  local requests seconds rps p50 p90 p99 non200 errors sim_cpu sim_us wrk_cpu idle
  requests=$(field requests "$result")
  seconds=$(field seconds "$result")
  rps=$(field rps "$result")
  p50=$(field p50_us "$result")
  p90=$(field p90_us "$result")
  p99=$(field p99_us "$result")
  non200=$(field non200 "$result")
  errors=$(field socket_errors "$result")
  if [[ $non200 != 0 || $errors != 0 ]]; then failed=1; fi
  sim_cpu=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$hz" -v s="$seconds" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }')
  sim_us=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", 1e6 * (b - a) / hz / n }')
  wrk_cpu=$(awk '{ printf "%.0f", 100 * ($1 + $2) / $3 }' "$tmp/time.out")
  idle=$(awk -v a="$sidle0" -v b="$sidle1" -v c="$cidle0" -v d="$cidle1" -v hz="$hz" -v s="$seconds" \
    'BEGIN { printf "%.0f / %.0f", 100 * (b - a) / hz / s, 100 * (d - c) / hz / s }')
  rows+=("$(printf '| %-16s | %5s | %7s | %6s | %6s | %6s | %7s | %8s | %9s | %14s | %9s | %10s |' "$1" "$4" "$rps" \
    "$(ms "$p50")" "$(ms "$p90")" "$(ms "$p99")" "$non200" "$errors" "$sim_cpu" "$sim_us" "$wrk_cpu" "$idle")")
}

retrieve_url=$base/api/v1/video/retrieve
status_url=$base/openai/v1/videos/$video_id
echo "simulator pid $sim_pid on CPU $server_cpu, wrk on CPU $client_cpu; load average: $(cut -d ' ' -f 1-3 /proc/loadavg)"
for endpoint in venice.retrieve lumenfall.status; do
  if [[ $endpoint == venice.retrieve ]]; then
    script=$here/retrieve.lua url=$retrieve_url
  else
    script=$here/status.lua url=$status_url
  fi
  run "" "$script" "$url" 16 "$warmup"
  for c in "${connections[@]}"; do
    echo "== $endpoint, $c connection(s), $duration"
    run "$endpoint" "$script" "$url" "$c" "$duration"
  done
done

echo
echo "load average: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo '| endpoint         | conns |   req/s | p50 ms | p90 ms | p99 ms | non-200 | sock.err | sim CPU % | sim CPU µs/req | wrk CPU % | idle % S/C |'
echo '|------------------|------:|--------:|-------:|-------:|-------:|--------:|---------:|----------:|---------------:|----------:|------------:|'
printf '%s\n' "${rows[@]}"
if [[ $failed != 0 ]]; then
  die "some answers were not 200 or some sockets failed; these numbers do not measure the status answer"
fi
