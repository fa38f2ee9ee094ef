#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs the disk fault tests under `fiu-run -x` (fiu-utils):
#   run_disk_faults.sh FIU_RUN TEST_BINARY
# Exit code 77 (ctest SKIP_RETURN_CODE) when fiu-run is missing (tests/run installs fiu-utils).
set -euo pipefail
fiu_run=$1 binary=$2
if [[ -z "${fiu_run}" || "${fiu_run}" == *NOTFOUND || ! -x "${fiu_run}" ]]; then
  fiu_run=$(command -v fiu-run || true)
fi
if [[ -z "${fiu_run}" ]]; then
  echo "SKIP: fiu-run is not installed (Debian package fiu-utils)"
  exit 77
fi
# fiu-run sets LD_PRELOAD to its own libraries; a sanitized binary needs its ASan runtime first
# in line, so it is put back in front of them for the test binary only.
asan=$(ldd "${binary}" | sed -n 's/^\s*libasan\.so[^ ]* => \([^ ]*\) .*$/\1/p' | head -n 1)
# -f '': no remote-control FIFOs; the test enables its failure point itself with fiu_enable.
exec "${fiu_run}" -x -f '' env REEL_ASAN_RUNTIME="${asan}" bash -c \
  'LD_PRELOAD="${REEL_ASAN_RUNTIME:+${REEL_ASAN_RUNTIME} }${LD_PRELOAD}" exec "$0" "$@"' "${binary}"
