#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs a documentation program against the provider simulator: starts reel-simulator on
# ephemeral loopback ports (short jobs, idle timeout so it never outlives the test), then runs
# <program> <venice-base-url> <lumenfall-base-url> in a scratch directory (with VENICE_BASE_URL and
# LUMENFALL_BASE_URL set to them, for programs that read the environment), and stops the simulator.
# Usage: run_with_simulator.sh <reel-simulator> <program>
set -euo pipefail
sim=$1
program=$2
work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "${pid}" ]]; then kill "${pid}" 2>/dev/null || true; wait "${pid}" 2>/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT
export NO_PROXY='*' no_proxy='*'
export VENICE_API_KEY=sim-key LUMENFALL_API_KEY=sim-key

"${sim}" --port-file "${work}/port" --job-ms 1500 --idle-timeout 60 --quiet &
pid=$!
for ((i = 0; i < 100; ++i)); do
  [[ -s "${work}/port" ]] && break
  sleep 0.1
done
[[ -s "${work}/port" ]] || { echo "FAIL: the simulator wrote no port file within 10 s" >&2; exit 1; }
port=$(cat "${work}/port")
export VENICE_BASE_URL="http://127.0.0.1:${port}/api/v1" LUMENFALL_BASE_URL="http://127.0.0.1:${port}/openai/v1"
cd "${work}"
"${program}" "http://127.0.0.1:${port}/api/v1" "http://127.0.0.1:${port}/openai/v1"
