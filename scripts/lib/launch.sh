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
  # Underscored locals: bash scopes dynamically, so START_FN sees them and must not find its own
  # names (a 'port' here would hide the caller's 'port' from it).
  local _what="$1" _start_fn="$2" _attempt _port
  shift 2
  for _attempt in 1 2 3; do
    _port="$(pick_free_port)"
    if "$_start_fn" "$_port" "$@"; then
      started_port="$_port"
      return 0
    fi
    if ! port_in_use "$_port" || ((_attempt == 3)); then die "could not start $_what"; fi
    note "port $_port was taken meanwhile; retrying $_what with another"
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
  local _what="$1" _log="$2" _ready_path="$3" _launch_fn="$4" _attempt _port
  shift 4
  for _attempt in 1 2 3; do
    _port="$(pick_free_port)"
    "$_launch_fn" "$_port" "$@"
    served_pid=$!
    if wait_until_serving "$served_pid" "http://127.0.0.1:$_port$_ready_path"; then
      served_port="$_port"
      return 0
    fi
    if kill -0 "$served_pid" 2>/dev/null; then
      kill -TERM "$served_pid" 2>/dev/null || true
      wait "$served_pid" 2>/dev/null || true
      tail -n 20 "$_log" >&2
      die "$_what did not answer GET $_ready_path within 20 s (log: $_log)"
    fi
    wait "$served_pid" 2>/dev/null || true
    served_pid=""
    if ((_attempt == 3)) || ! grep -qiE 'address already in use|connection in use' "$_log"; then
      tail -n 20 "$_log" >&2
      die "$_what exited during start-up (log: $_log)"
    fi
    note "port $_port was taken meanwhile; retrying $_what with another"
  done
}

# wait_until_serving PID URL: whether URL answered 2xx within 20 s while PID kept running.
wait_until_serving() {
  local _pid="$1" _url="$2" _
  for _ in {1..200}; do
    if curl -fsS --max-time 5 -o /dev/null "$_url" 2>/dev/null; then return 0; fi
    kill -0 "$_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
