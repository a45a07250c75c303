# shellcheck shell=bash
# Starting servers on free ports, written once for scripts/test, bench, chaos and check-container.
# Sourced after common.sh.
# shellcheck disable=SC2034 # started_port, served_pid and served_port are read by the callers
#
# A port is free when pick_free_port checks it, but another process may bind it before our server
# does. Only that race earns another port (three tries in all): any other start-up failure fails
# at once with the server's own words, so a real bug is never retried into a slow, vague error.

# start_on_free_port WHAT START_FN [ARGS...]
# Runs 'START_FN PORT ARGS...' (a command that returns once the server runs, as scripts/pg-cluster
# start and scripts/pgbouncer start do) on a freshly picked port. Sets started_port.
started_port=""
start_on_free_port() {
  local what="$1" start_fn="$2" attempt port
  shift 2
  for attempt in 1 2 3; do
    port="$(pick_free_port)"
    if "$start_fn" "$port" "$@"; then
      started_port="$port"
      return 0
    fi
    if ! port_in_use "$port" || ((attempt == 3)); then die "could not start $what"; fi
    note "port $port was taken meanwhile; retrying $what with another"
  done
}

# serve_on_free_port WHAT LOG READY_PATH LAUNCH_FN [ARGS...]
# Runs 'LAUNCH_FN PORT ARGS...', which starts a server in the background (its last '&' sets $!)
# with its output in LOG, and waits up to 20 s for GET http://127.0.0.1:PORT/READY_PATH to answer
# 2xx. A server that exits saying its address is in use gets another port; one that exits for
# another reason, or never answers, dies with the tail of LOG. Sets served_pid and served_port.
served_pid=""
served_port=""
serve_on_free_port() {
  local what="$1" log="$2" ready_path="$3" launch_fn="$4" attempt port
  shift 4
  for attempt in 1 2 3; do
    port="$(pick_free_port)"
    "$launch_fn" "$port" "$@"
    served_pid=$!
    if wait_until_serving "$served_pid" "http://127.0.0.1:$port$ready_path"; then
      served_port="$port"
      return 0
    fi
    if kill -0 "$served_pid" 2>/dev/null; then
      kill -TERM "$served_pid" 2>/dev/null || true
      wait "$served_pid" 2>/dev/null || true
      tail -n 20 "$log" >&2
      die "$what did not answer GET $ready_path within 20 s (log: $log)"
    fi
    wait "$served_pid" 2>/dev/null || true
    served_pid=""
    if ((attempt == 3)) || ! grep -qiE 'address already in use|connection in use' "$log"; then
      tail -n 20 "$log" >&2
      die "$what exited during start-up (log: $log)"
    fi
    note "port $port was taken meanwhile; retrying $what with another"
  done
}

# wait_until_serving PID URL: whether URL answered 2xx within 20 s while PID kept running.
wait_until_serving() {
  local pid="$1" url="$2" _
  for _ in {1..200}; do
    if curl -fsS --max-time 5 -o /dev/null "$url" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
