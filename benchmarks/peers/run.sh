#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Side by side: the clients users would write from the providers' guides, and reel, each against
# a fresh reel-simulator with the same configuration; prints one Markdown row per client.
#
#   benchmarks/peers/run.sh N [CLIENT...]
#
# CLIENTs (default: all whose tools are found): venice-guide-python, venice-guide-node,
# openai-sdk-lumenfall, reel. Knobs (environment):
#   BUILD         build directory with tools/simulator/reel-simulator and benchmarks/peers/reel_peer
#                 (default: the first of build/release, build/dev that has the simulator)
#   REEL_SIMULATOR, REEL_PEER   the two programs, when they are elsewhere
#   JOB_MIN_MS, JOB_MAX_MS      job run times, uniform (default 30000-59000; smoke tests 3000-6000)
#   OUTPUT_BYTES  size of every video (1500000)
#   SEED          seed of the run times (1); the same N and SEED give every client the same jobs
#   MAX_WAIT_S    every client gives up on a job after this long (900)
#   ABUSE_GUARD   true/false (true): Venice's 20-failures-in-30-s key block
#   PEER_NPM_DIR  directory whose node_modules holds `openai` (default build/peers-npm, then build/npm)
#   PYTHON, NODE  interpreters (python3 with `requests`, node >= 18)
#   WORKDIR       where logs go (default a new temporary directory, kept and printed at the end)
#
# Only 127.0.0.1 is contacted: the simulator binds it, the proxy variables are unset.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[[ $# -ge 1 && "$1" =~ ^[0-9]+$ && "$1" -ge 1 ]] || usage
jobs="$1"
shift

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"

PYTHON="${PYTHON:-python3}"
NODE="${NODE:-node}"
JOB_MIN_MS="${JOB_MIN_MS:-30000}"
JOB_MAX_MS="${JOB_MAX_MS:-59000}"
OUTPUT_BYTES="${OUTPUT_BYTES:-1500000}"
SEED="${SEED:-1}"
MAX_WAIT_S="${MAX_WAIT_S:-900}"
ABUSE_GUARD="${ABUSE_GUARD:-true}"
QUEUE_PER_MIN=40
RETRIEVE_PER_MIN=120
KEY="peer-bench-key"

if [[ -z "${BUILD:-}" ]]; then
  for b in "$root/build/release" "$root/build/dev"; do
    if [[ -x "$b/tools/simulator/reel-simulator" ]]; then BUILD="$b"; break; fi
  done
fi
BUILD="${BUILD:-$root/build/release}"
SIMULATOR="${REEL_SIMULATOR:-$BUILD/tools/simulator/reel-simulator}"
PEER="${REEL_PEER:-$BUILD/benchmarks/peers/reel_peer}"
if [[ -z "${PEER_NPM_DIR:-}" ]]; then
  PEER_NPM_DIR="$root/build/peers-npm"
  [[ -f "$PEER_NPM_DIR/node_modules/openai/package.json" ]] || PEER_NPM_DIR="$root/build/npm"
fi
[[ -x "$SIMULATOR" ]] || { echo "run.sh: no simulator at $SIMULATOR (build the reel_simulator target or set REEL_SIMULATOR)" >&2; exit 1; }

# Which clients can run here.
available() {
  case "$1" in
    venice-guide-python) "$PYTHON" -c 'import requests' 2>/dev/null ;;
    venice-guide-node) command -v "$NODE" >/dev/null ;;
    openai-sdk-lumenfall) command -v "$NODE" >/dev/null && [[ -f "$PEER_NPM_DIR/node_modules/openai/package.json" ]] ;;
    reel) [[ -x "$PEER" ]] ;;
    *) echo "run.sh: unknown client $1" >&2; exit 2 ;;
  esac
}
clients=()
if [[ $# -gt 0 ]]; then
  for c in "$@"; do
    if available "$c"; then clients+=("$c"); else echo "run.sh: $c cannot run here (missing tool, package or binary)" >&2; exit 1; fi
  done
else
  for c in venice-guide-python venice-guide-node openai-sdk-lumenfall reel; do
    if available "$c"; then clients+=("$c"); else echo "run.sh: skipping $c (missing tool, package or binary)" >&2; fi
  done
fi
[[ ${#clients[@]} -gt 0 ]] || { echo "run.sh: no client can run" >&2; exit 1; }

WORKDIR="${WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/reel-peers.XXXXXX")}"
mkdir -p "$WORKDIR"
sim_pid=""
stop_simulator() {
  if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  sim_pid=""
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

# The jobs' run times (the same for every client) and the simulator's configuration: each job's
# prompt carries "[job I]", and a rule gives job I its run time.
CLIENTS="${clients[*]}" "$PYTHON" - "$WORKDIR" "$jobs" <<EOF
import json, os, random, sys
work, n = sys.argv[1], int(sys.argv[2])
rng = random.Random($SEED)
durations = [rng.randint($JOB_MIN_MS, $JOB_MAX_MS) for _ in range(n)]
guard = "$ABUSE_GUARD".lower() in ("1", "true", "yes", "on")
config = {
    "job": {"duration_min_ms": $JOB_MIN_MS, "duration_max_ms": $JOB_MAX_MS, "output_bytes": $OUTPUT_BYTES, "eta_factor": 1},
    "rate_limits": {"venice.queue": $QUEUE_PER_MIN, "venice.retrieve": $RETRIEVE_PER_MIN},
    "abuse_guard": guard,
    "seed": $SEED,
    "rules": [{"match": {"prompt_contains": f"[job {i}]"}, "job": {"duration_ms": d}} for i, d in enumerate(durations)],
}
json.dump(config, open(os.path.join(work, "simulator.json"), "w"), indent=1)
load = open("/proc/loadavg").read().split()[:3]
json.dump({"jobs": n, "durations_ms": durations, "job_min_ms": $JOB_MIN_MS, "job_max_ms": $JOB_MAX_MS,
           "output_bytes": $OUTPUT_BYTES, "seed": $SEED, "queue_per_min": $QUEUE_PER_MIN,
           "retrieve_per_min": $RETRIEVE_PER_MIN, "abuse_guard": guard, "clients": os.environ["CLIENTS"].split(),
           "load": " ".join(load),
           "provider": {"venice-guide-python": "venice", "venice-guide-node": "venice", "reel": "venice",
                        "openai-sdk-lumenfall": "lumenfall"}},
          open(os.path.join(work, "run.json"), "w"), indent=1)
EOF

http_get() {  # URL [OUT]
  "$PYTHON" -c 'import sys, urllib.request
data = urllib.request.urlopen(sys.argv[1], timeout=10).read()
(open(sys.argv[2], "wb").write(data) if len(sys.argv) > 2 else None)' "$@"
}

# The client's CPU time and wall time come from wait4 in `summarize.py measure` (to the
# microsecond; `/usr/bin/time -v` rounds CPU times to 10 ms, too coarse for a client that needs a
# few ms), its peak RSS from `/usr/bin/time -v` between the two: a child's ru_maxrss starts from
# its parent's RSS at the fork, which is about 1 MiB for GNU time but 10 MiB for Python. The
# start-up run goes through the same two, so "beyond start-up" leaves GNU time's own CPU out.
if [[ -x /usr/bin/time ]]; then
  measured() { local dir="$1"; shift; "$PYTHON" "$here/summarize.py" measure "$dir/time.json" -- /usr/bin/time -v -o "$dir/time.txt" "$@"; }
else
  echo "run.sh: no /usr/bin/time (Debian: apt-get install time): peak RSS includes Python's ~10 MiB" >&2
  measured() { local dir="$1"; shift; "$PYTHON" "$here/summarize.py" measure "$dir/time.json" -- "$@"; }
fi

for client in "${clients[@]}"; do
  dir="$WORKDIR/$client"
  rm -rf "$dir"
  mkdir -p "$dir/out"
  "$SIMULATOR" --port 0 --port-file "$dir/port" --config "$WORKDIR/simulator.json" --quiet \
    --idle-timeout 300 >"$dir/simulator.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  [[ -s "$dir/port" ]] || { echo "run.sh: the simulator did not start (see $dir/simulator.log)" >&2; exit 1; }
  sim="http://127.0.0.1:$(cat "$dir/port")"
  http_get "$sim/__sim/health" >/dev/null
  echo "run.sh: $client, $jobs jobs against $sim" >&2

  # Once with no job (the start-up cost: interpreter, imports, TLS and HTTP set-up), then the run.
  for n in 0 "$jobs"; do
    run_dir="$dir"
    if [[ $n -eq 0 ]]; then run_dir="$dir/startup"; mkdir -p "$run_dir/out"; fi
    common=(env PEER_JOBS="$n" PEER_OUT="$run_dir/out" PEER_LOG="$run_dir/log.jsonl" PEER_MAX_WAIT_S="$MAX_WAIT_S")
    status=0
    case "$client" in
      venice-guide-python)
        measured "$run_dir" "${common[@]}" VENICE_API_KEY="$KEY" VENICE_BASE_URL="$sim/api/v1" \
          "$PYTHON" "$here/venice_guide.py" || status=$? ;;
      venice-guide-node)
        measured "$run_dir" "${common[@]}" VENICE_API_KEY="$KEY" VENICE_BASE_URL="$sim/api/v1" \
          "$NODE" "$here/venice_guide.mjs" || status=$? ;;
      openai-sdk-lumenfall)
        measured "$run_dir" "${common[@]}" OPENAI_API_KEY="$KEY" OPENAI_BASE_URL="$sim/openai/v1" \
          PEER_NPM_DIR="$PEER_NPM_DIR" "$NODE" "$here/openai_sdk_lumenfall.mjs" || status=$? ;;
      reel)
        measured "$run_dir" "$PEER" --base "$sim/api/v1" --key "$KEY" --jobs "$n" --out "$run_dir/out" \
          --log "$run_dir/log.jsonl" --max-wait-s "$MAX_WAIT_S" || status=$? ;;
    esac
    [[ $status -eq 0 ]] || echo "run.sh: $client ($n jobs) exited with status $status" >&2
  done
  http_get "$sim/__sim/counters" "$dir/counters.json"
  stop_simulator
  # The videos on disk with the expected size, then delete them (N x OUTPUT_BYTES per client).
  "$PYTHON" - "$dir" "$OUTPUT_BYTES" <<'EOF'
import json, os, re, sys
folder, size = sys.argv[1], int(sys.argv[2])
ok = []
for name in os.listdir(os.path.join(folder, "out")):
    m = re.fullmatch(r"job-(\d+)\.mp4", name)
    path = os.path.join(folder, "out", name)
    if m and os.path.getsize(path) == size:
        with open(path, "rb") as f:
            if f.read(8)[4:8] == b"ftyp":
                ok.append(int(m.group(1)))
json.dump({"ok_jobs": sorted(ok)}, open(os.path.join(folder, "files.json"), "w"))
EOF
  rm -rf "$dir/out"
done

"$PYTHON" "$here/summarize.py" "$WORKDIR"
echo "run.sh: logs in $WORKDIR" >&2
