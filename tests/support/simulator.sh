# SPDX-License-Identifier: BSL-1.0
# Sourced by the shell tests that drive a reel-simulator (bash):
#   sim_start SIMULATOR DIR [ARGS...]  starts it on an ephemeral 127.0.0.1 port (port file and an
#                                      idle timeout in DIR, so it never outlives the test), waits
#                                      for the port and sets sim_pid and port; returns 1 when no
#                                      port came within 30 s
#   sim_stop                           stops it (SIGTERM, then waits); safe to call twice
# Proxies are turned off: nothing a test starts may leave loopback.
export NO_PROXY='*' no_proxy='*'
sim_pid=
port=

sim_start() {
  local simulator=$1 dir=$2
  shift 2
  rm -f "${dir}/port"
  "${simulator}" --port 0 --port-file "${dir}/port" --idle-timeout 60 --quiet "$@" &
  sim_pid=$!
  for _ in $(seq 300); do
    [[ -s "${dir}/port" ]] && break
    kill -0 "${sim_pid}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -s "${dir}/port" ]] || { echo "the simulator wrote no port file" >&2; return 1; }
  port=$(head -n 1 "${dir}/port")
}

sim_stop() {
  if [[ -n "${sim_pid}" ]] && kill -0 "${sim_pid}" 2>/dev/null; then
    kill -TERM "${sim_pid}" 2>/dev/null || true
    wait "${sim_pid}" 2>/dev/null || true
  fi
  sim_pid=
}
