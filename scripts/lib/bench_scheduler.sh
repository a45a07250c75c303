# shellcheck shell=bash
# The CPU scheduler's autogroup during a benchmark. Sourced by scripts/bench.
#
# With autogroup (CONFIG_SCHED_AUTOGROUP, on in Debian's kernels) the scheduler shares the CPUs
# out evenly between sessions before it shares them between tasks, and pg_ctl starts PostgreSQL
# in a session of its own. All the backends together then get one session's share against the
# service's and wrk's: a backend woken on a CPU that the service's io thread keeps busy waits for
# its group's turn. Measured (docs/performance.md, "The scheduler"): with 16 pipelined queries
# waiting on one backend, it sat runnable for 100 ms and more, and async mode at 64 connections
# lost a third of its throughput. On one machine that is the benchmark's artefact, not the
# service's behaviour, since a database on its own host has its own CPUs. So scripts/bench turns
# autogroup off while it runs (as root) and puts it back at exit; `--autogroup keep` measures
# with the machine's setting as it is. The setting takes effect for processes started after the
# change, and every process a benchmark measures is started after it (PostgreSQL's backends are
# forked per connection, so a cluster that is already running is covered too).
# shellcheck disable=SC2034 # autogroup_phrase is read by scripts/bench's reports

readonly AUTOGROUP_SYSCTL=/proc/sys/kernel/sched_autogroup_enabled
autogroup_restore=""

# Applies --autogroup (off or keep) -> autogroup_phrase, for the reports' machine description.
apply_autogroup() {
  local wanted="$1" current
  if [[ ! -r "$AUTOGROUP_SYSCTL" ]]; then
    autogroup_phrase="scheduler without autogroup"
    return
  fi
  current="$(<"$AUTOGROUP_SYSCTL")"
  if [[ "$current" == 0 ]]; then
    autogroup_phrase="scheduler autogroup off"
  elif [[ "$wanted" == keep ]]; then
    autogroup_phrase="scheduler autogroup **on** (--autogroup keep: PostgreSQL's backends share one session's CPU)"
  elif is_root && { printf '0\n' >"$AUTOGROUP_SYSCTL"; } 2>/dev/null; then
    autogroup_restore="$current"
    autogroup_phrase="scheduler autogroup off for the run (it was on)"
    note "turned the scheduler's autogroup off for this run (restored at exit; --autogroup keep leaves it on)"
  else
    autogroup_phrase="scheduler autogroup **on** (could not turn it off: PostgreSQL's backends share one session's CPU)"
    note "warning: the scheduler's autogroup is on and this run cannot turn it off (needs root):" \
      "PostgreSQL's backends will share one session's CPU and wait behind the service (docs/performance.md)." \
      "To measure without it: sysctl kernel.sched_autogroup_enabled=0"
  fi
}

restore_autogroup() {
  [[ -n "$autogroup_restore" ]] || return 0
  printf '%s\n' "$autogroup_restore" >"$AUTOGROUP_SYSCTL" 2>/dev/null || note "could not restore $AUTOGROUP_SYSCTL to $autogroup_restore"
  autogroup_restore=""
}
