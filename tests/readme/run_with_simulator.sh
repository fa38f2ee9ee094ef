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
# shellcheck source=../support/simulator.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/simulator.sh"
cleanup() {
  sim_stop
  rm -rf "${work}"
}
trap cleanup EXIT
export VENICE_API_KEY=sim-key LUMENFALL_API_KEY=sim-key

sim_start "${sim}" "${work}" --job-ms 1500 || { echo "FAIL: no simulator" >&2; exit 1; }
export VENICE_BASE_URL="http://127.0.0.1:${port}/api/v1" LUMENFALL_BASE_URL="http://127.0.0.1:${port}/openai/v1"
cd "${work}"
"${program}" "http://127.0.0.1:${port}/api/v1" "http://127.0.0.1:${port}/openai/v1"
