#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs the README's first program (examples/quickstart.cpp, built by a consumer project) against
# a reel-simulator on an ephemeral 127.0.0.1 port, in a temp dir, and checks that it exits 0
# and writes gondola.mp4 (an MP4: ftyp first). Stops the simulator.
#   run_quickstart.sh SIMULATOR PROGRAM
set -euo pipefail
simulator=$1 program=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/reel-consumer-quickstart.XXXXXX")
# shellcheck source=../support/simulator.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/simulator.sh"
cleanup() {
  sim_stop
  rm -rf "${work}"
}
trap cleanup EXIT
fail() { echo "FAIL (quickstart): $*" >&2; exit 1; }

printf '%s\n' '{"job":{"polls":1},"poll_after_ms":20}' >"${work}/sim.json"
sim_start "${simulator}" "${work}" --config "${work}/sim.json" || fail "no simulator"
mkdir "${work}/run"
status=0
(cd "${work}/run" && VENICE_API_KEY=x VENICE_BASE_URL="http://127.0.0.1:${port}/api/v1" "${program}") >"${work}/out" 2>&1 ||
  status=$?
cat "${work}/out"
((status == 0)) || fail "exit status ${status}"
grep -qF "wrote gondola.mp4" "${work}/out" || fail "it did not print 'wrote gondola.mp4'"
[[ "$(head -c 8 "${work}/run/gondola.mp4" | tail -c 4)" == ftyp ]] || fail "gondola.mp4 is not an MP4"
echo "ok: the quickstart made gondola.mp4 against ${simulator}"
