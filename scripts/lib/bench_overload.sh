# shellcheck shell=bash
# scripts/bench --overload: goodput when clients outnumber what the service can work on at once.
# Sourced by scripts/bench once the cluster, the dataset and both services are up; uses its
# globals (modes, service_pid, service_port, duration, warmup, name, RESULTS_DIR, work_dir,
# threads, pool_size, users, coffees, ...) and helpers (wrk_command_for, run_wrk,
# check_services_alive, process_cpu_ticks, reset_peak_rss, status_kb; bench_cpu.sh's
# database_cpu_ticks, measured_wrk).
#
# Each step runs wrk at one connection count against one mode and measures what came back; the
# analysis, the report and the plot are bench/report/overload.py's (tested in tests/tooling).
# shellcheck disable=SC2154 # the globals above are scripts/bench's

readonly OVERLOAD_DEFAULT_CONNECTIONS="64,1000,4000,9000"
# Descriptors besides the clients': the service's listeners, database connections, logs; wrk's own.
readonly OVERLOAD_FD_RESERVE=1024

# raise_open_file_limit CONNECTIONS: the soft limit of this shell (inherited by wrk and the
# services, which each hold one descriptor per connection) raised to fit CONNECTIONS, as a user
# would with `ulimit -n`; the hard limit too when root. Dies naming the command otherwise.
raise_open_file_limit() {
  local wanted=$(($1 + OVERLOAD_FD_RESERVE)) soft hard
  soft="$(ulimit -Sn)"
  hard="$(ulimit -Hn)"
  [[ "$soft" == unlimited ]] || ((soft < wanted)) || return 0
  if [[ "$hard" != unlimited ]] && ((hard < wanted)); then
    if is_root; then
      ulimit -Hn "$wanted" || die "could not raise the hard open-file limit to $wanted"
    else
      die "$1 connections need an open-file limit of $wanted; the hard limit is $hard (raise it in /etc/security/limits.conf, or LimitNOFILE= for a systemd unit)"
    fi
  fi
  ulimit -Sn "$wanted" || die "could not raise the open-file limit to $wanted"
  note "open-file limit raised from $soft to $wanted (ulimit -n $wanted)"
}

# The 503 answers a service has counted so far, over every route (its /metrics).
service_503_total() {
  curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics" |
    awk '/^http_requests_total\{.*status="503"/ { total += $NF } END { printf "%d\n", total }'
}

# overload_step MODE CONNECTIONS REP: one wrk run, appended to $overload_tsv.
overload_step() {
  local mode="$1" count="$2" rep="$3" pid="${service_pid[$1]}" port="${service_port[$1]}" raw line
  local refused_before refused_after cpu_before cpu_after db_before db_after hwm
  raw="$work_dir/raw/overload-$mode-$count-$rep.txt"
  wrk_command_for get_user "$mode" "$count" "$duration"
  ((rep > 1)) || overload_commands+=("$(printf '%q ' "${wrk_command[@]}")")
  reset_peak_rss "$pid"
  refused_before="$(service_503_total "$port")"
  cpu_before="$(process_cpu_ticks "$pid")"
  db_before="$(database_cpu_ticks)"
  # The whole machine's CPU in a step is the service's, PostgreSQL's and wrk's, and each one's
  # cost per answer can grow with the connections (docs/reliability.md).
  measured_wrk "$raw" || { cat "$raw" >&2; die "wrk failed at $count connections ($mode)"; }
  db_after="$(database_cpu_ticks)"
  cpu_after="$(process_cpu_ticks "$pid")"
  hwm="$(status_kb "$pid" VmHWM)"
  check_services_alive
  refused_after="$(service_503_total "$port")"
  line="$(grep '^BENCH ' "$raw" | tail -n 1)" || { cat "$raw" >&2; die "wrk printed no results at $count connections ($mode)"; }
  awk -v mode="$mode" -v connections="$count" -v rep="$rep" -v status_503=$((refused_after - refused_before)) -v hwm="$hwm" \
    -v ticks=$((cpu_after - cpu_before)) -v db_ticks=$((db_after - db_before)) -v wrk_ms="$wrk_ms" \
    -v machine_ticks="$wrk_machine_ticks" -v hz="$CLK_TCK" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      printf "%s\t%s\t%s\t%.3f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", mode, connections, rep,
        v["duration_us"] / 1e6, v["requests"], v["http_errors"], status_503,
        v["connect_errors"] + v["read_errors"] + v["write_errors"], v["timeouts"], v["p50_us"], v["p99_us"], v["max_us"],
        hwm, ticks, db_ticks, wrk_ms, machine_ticks, hz, v["mean_us"]
    }' <<<"$line" >>"$overload_tsv"
  printf '  %-5s %5s conns (run %s): %s\n' "$mode" "$count" "$rep" "$(tail -n 1 "$overload_tsv" | awk -F'\t' '{
    ok = $5 - $6
    printf "%8.0f 2xx/s  %7.0f non-2xx/s  p99 %8.2f ms  socket errors %d  timeouts %d  peak RSS %.1f MB  CPU µs/2xx: service %.1f, machine %.1f",
      ok / $4, $6 / $4, $11 / 1000, $8, $9, $13 / 1024, (ok > 0 ? $14 * 1e6 / $18 / ok : 0), (ok > 0 ? $17 * 1e6 / $18 / ok : 0) }')" >&2
}

overload_main() {
  section "Overload: GET /users/{id} at ${overload_connections[*]} connections, ${duration} s each, $repeat run(s)"
  overload_tsv="$work_dir/overload.tsv"
  overload_commands=()
  printf 'mode\tconnections\trep\tseconds\trequests\tnon_2xx\tstatus_503\tsocket_errors\ttimeouts\tp50_us\tp99_us\tmax_us\trss_peak_kb\tcpu_ticks\tdb_ticks\twrk_ms\tmachine_ticks\tclk_tck\tmean_us\n' \
    >"$overload_tsv"
  local mode count rep order
  for ((rep = 1; rep <= repeat; rep++)); do
    # The modes alternate, as in the other scenarios: async first on odd runs, sync on even ones.
    order=("${modes[@]}")
    ((rep % 2 == 1)) || order=("${modes[1]}" "${modes[0]}")
    for mode in "${order[@]}"; do
      for count in "${overload_connections[@]}"; do
        overload_step "$mode" "$count" "$rep"
        # Let the closed connections' sockets go before the next step opens thousands more.
        sleep 1
      done
    done
  done

  section "Report"
  mkdir -p "$RESULTS_DIR"
  cp "$overload_tsv" "$RESULTS_DIR/$name.tsv"
  local setup
  machine_facts
  setup="$machine; service, PostgreSQL and wrk on one machine. Each service: --threads $threads --pool-size $pool_size, the other flags at their"
  setup+=" defaults; async with --db-pipeline $db_pipeline. Dataset: $coffees coffees, $users users. wrk -t $wrk_threads"
  setup+=" --timeout 5s, GET /users/{id} (bench/lua/get_user.lua), $duration s per step after a ${warmup} s warm-up,"
  setup+=" $repeat run(s) of every step."
  setup+=" Open-file limit: $(ulimit -Sn)."
  local arguments=()
  for command in "${overload_commands[@]}"; do arguments+=(--command "${command//$work_dir\//}"); done
  /usr/bin/python3 bench/report/overload.py "$overload_tsv" --name "$name" --out-dir "$RESULTS_DIR" \
    --setup "$setup" --command "$invocation" "${arguments[@]}" || die "the overload report failed"
  note "report: $RESULTS_DIR/$name.md, plot: $RESULTS_DIR/$name-goodput.png"
}
