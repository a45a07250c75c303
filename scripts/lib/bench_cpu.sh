# shellcheck shell=bash
# Who spent the CPU during a benchmark step: a server's process tree, PostgreSQL's, wrk's (this
# shell's children), the whole machine's. Sourced by scripts/bench for --overload and
# --with-reference; the analysis is bench/report's.
# shellcheck disable=SC2154 # pg_dir and work_dir are scripts/bench's; run_wrk is its helper

# CPU time (user + system, in ticks) of PID and its children, including the children that have
# exited since (their time is in PID's cutime and cstime once it has reaped them): Gunicorn's
# master and its workers; PostgreSQL's postmaster and its backends and helpers.
tree_cpu_ticks() {
  local parent="$1" stat fields total child
  stat="$(cat "/proc/$parent/stat" 2>/dev/null)" || return 1
  read -r -a fields <<<"${stat##*) }"
  total=$((fields[11] + fields[12] + fields[13] + fields[14]))
  for child in $(pgrep -P "$parent"); do
    stat="$(cat "/proc/$child/stat" 2>/dev/null)" || continue  # exiting just now: counted by its parent next time
    read -r -a fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
  done
  printf '%s\n' "$total"
}

# PostgreSQL's CPU time: its postmaster (line 1 of postmaster.pid) and every process under it.
database_cpu_ticks() {
  tree_cpu_ticks "$(sed -n 1p "$pg_dir/data/postmaster.pid")" || die "cannot read PostgreSQL's CPU time"
}

# Every CPU's busy time so far, in ticks, into machine_busy: user, nice, system, irq and softirq
# from /proc/stat (not idle, iowait or steal). No subprocess: it runs inside the window in which
# this shell's children's CPU time is wrk's alone.
read_machine_busy() {
  local label user nice system idle iowait irq softirq rest
  # shellcheck disable=SC2034 # the fields not summed are read to get past them
  read -r label user nice system idle iowait irq softirq rest </proc/stat
  # shellcheck disable=SC2034 # the result, read by the caller
  machine_busy=$((user + nice + system + irq + softirq))
}

# times_ms FILE: user + system milliseconds of the second line of what the builtin `times` wrote:
# the CPU time of this shell's children that have exited and been waited for (with their own
# children's). Taken right before and after run_wrk and nothing else, the difference is wrk's.
times_ms() {
  awk 'NR == 2 { total = 0
                 for (i = 1; i <= 2; i++) { split($i, part, "m"); sub("s", "", part[2]); total += part[1] * 60 + part[2] }
                 printf "%d\n", total * 1000 + 0.5 }' "$1"
}

seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# measured_wrk RAW: run_wrk RAW, and what it cost around it, into wrk_ms (wrk's CPU: between the
# two `times` wrk, under timeout, is this shell's only child, so nothing in the window may start a
# subprocess), wrk_machine_ticks (every CPU's busy time meanwhile) and wrk_wall (seconds).
# Returns run_wrk's status.
measured_wrk() {
  local raw="$1" started ended busy_before status=0
  times >"$work_dir/times-before"
  started=$EPOCHREALTIME
  read_machine_busy
  busy_before=$machine_busy
  run_wrk "$raw" || status=$?
  read_machine_busy
  ended=$EPOCHREALTIME
  times >"$work_dir/times-after"
  # shellcheck disable=SC2034 # results, read by the caller
  {
    wrk_ms=$(($(times_ms "$work_dir/times-after") - $(times_ms "$work_dir/times-before")))
    wrk_machine_ticks=$((machine_busy - busy_before))
    wrk_wall="$(seconds_between "$started" "$ended")"
  }
  return "$status"
}
