# shellcheck shell=bash
# scripts/bench --with-reference: the assignment's Flask/Gunicorn stack (reference/flask) beside
# coffeehouse's sync and async modes on one route, and async mode's pool-size sweep. Sourced by
# scripts/bench once the cluster, the dataset, the latency proxy and both services are up; uses its
# globals (threads, pool_size, service_url, service_pid, service_port, sweep_connections,
# duration, warmup, repeat, name, RESULTS_DIR, work_dir, ...) and helpers (start_service,
# serve_args_for, wrk_command_for, run_wrk, process_cpu_ticks).
#
# Bash only starts and stops the servers, runs wrk and samples CPU counters into a TSV; the
# predictions, the report and the plots are bench/report/reference.py's (tested in tests/tooling).
# shellcheck disable=SC2154 # the globals above are scripts/bench's

# shellcheck disable=SC2034 # scripts/bench's defaults and choices
readonly REFERENCE_DEFAULT_SWEEP="1,16,64,128"
readonly REFERENCE_DEFAULT_POOL_SWEEP="4,8,16,32,64"
readonly REFERENCE_ROUTES=(country notes)
readonly GUNICORN=/usr/bin/gunicorn
# The calibration column of the TSV (bench/report/reference.py): 0 for a measured run.
readonly COST_CALIBRATION=1 CEILING_CALIBRATION=2
declare -A CALIBRATION_KEY=([$COST_CALIBRATION]=async-cost [$CEILING_CALIBRATION]=async-ceiling)
# The ceiling calibration's pool is twice the sweep's largest, but PostgreSQL's max_connections is
# 200 (pg-conf/postgresql.conf) and the other servers hold up to a dozen.
readonly CEILING_POOL_MAX=160
declare -A REFERENCE_SCRIPT=([country]=users_by_country [notes]=fixed_path)
declare -A REFERENCE_SCRIPT_ARGS=([notes]=/coffee/notes)
declare -A REFERENCE_LABEL=([country]='GET /users?country=&limit=20' [notes]='GET /coffee/notes')

# The Flask app under Gunicorn's sync workers, one per io thread of the other two, on the same
# database URL (so through the same latency proxy). Its master's pid and port join the services'.
launch_reference_server() {
  # Kept for the report's list of commands.
  gunicorn_command=("$GUNICORN" -c "$REPO_ROOT/reference/flask/gunicorn.conf.py" -w "$threads" -b "127.0.0.1:$1" app:app)
  # The URL carries the password: the environment, not argv.
  DATABASE_URL="$service_url" "${gunicorn_command[@]}" >"$work_dir/service-flask.log" 2>&1 &
}
start_reference_server() {
  serve_on_free_port "the Flask reference (Gunicorn)" "$work_dir/service-flask.log" /coffee/notes launch_reference_server
  service_pid[flask]="$served_pid"
  service_port[flask]="$served_port"
  served_pid=""
  note "flask: Gunicorn master pid ${service_pid[flask]}, $threads sync workers, http://127.0.0.1:$served_port"
}

# stop_server KEY: SIGTERM (Gunicorn's master and coffeehouse both shut down gracefully on it).
stop_server() {
  kill -TERM "${service_pid[$1]}" 2>/dev/null || true
  wait "${service_pid[$1]}" 2>/dev/null || true
  unset 'service_pid[$1]' 'service_port[$1]'
}

check_server_alive() {
  kill -0 "${service_pid[$1]}" 2>/dev/null && return 0
  tail -n 20 "$work_dir/service-$1.log" >&2
  die "the $1 server died"
}

server_cpu_ticks() {
  if [[ "$1" == flask ]]; then
    tree_cpu_ticks "${service_pid[flask]}" || { check_server_alive flask; die "cannot read Gunicorn's CPU time"; }
  else
    process_cpu_ticks "${service_pid[$1]}"
  fi
}

# proxy_cpu_ticks: the CPU of the latency proxy that every server talks to (0 without one).
proxy_cpu_ticks() {
  if [[ -n "$proxy_pid" ]]; then process_cpu_ticks "$proxy_pid"; else echo 0; fi
}

# reference_step KEY SERVER POOL CONNECTIONS REP [CALIBRATION]: one wrk run, appended to $reference_tsv.
reference_step() {
  local key="$1" server="$2" pool="$3" count="$4" rep="$5" calibration="${6:-0}" raw line
  local server_before server_after db_before db_after proxy_before proxy_after
  raw="$work_dir/raw/reference-$key-$count-$rep.txt"
  # shellcheck disable=SC2086 # the optional argument is one word or nothing
  wrk_command_for "${REFERENCE_SCRIPT[$reference_route]}" "$key" "$count" "$duration" ${REFERENCE_SCRIPT_ARGS[$reference_route]:-}
  ((rep > 1)) || reference_commands+=("# $key, $count connections" "$(printf '%q ' "${wrk_command[@]}")")
  server_before="$(server_cpu_ticks "$key")"
  db_before="$(database_cpu_ticks)"
  proxy_before="$(proxy_cpu_ticks)"
  measured_wrk "$raw" || { cat "$raw" >&2; die "wrk failed against $key at $count connections"; }
  proxy_after="$(proxy_cpu_ticks)"
  db_after="$(database_cpu_ticks)"
  server_after="$(server_cpu_ticks "$key")"
  check_server_alive "$key"
  line="$(grep '^BENCH ' "$raw" | tail -n 1)" || { cat "$raw" >&2; die "wrk printed no results against $key"; }
  awk -v route="$reference_route" -v server="$server" -v threads="$threads" -v pool="$pool" -v connections="$count" \
    -v rep="$rep" -v calibration="$calibration" -v server_ticks=$((server_after - server_before)) -v db_ticks=$((db_after - db_before)) \
    -v proxy_ticks=$((proxy_after - proxy_before)) -v wrk_ms="$wrk_ms" -v machine_ticks="$wrk_machine_ticks" \
    -v wall="$wrk_wall" -v hz="$CLK_TCK" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d\n",
        route, server, threads, pool, connections, rep, calibration, v["duration_us"] / 1e6, v["requests"], v["http_errors"],
        v["connect_errors"] + v["read_errors"] + v["write_errors"], v["timeouts"], v["mean_us"], v["p50_us"],
        v["p99_us"], v["max_us"], server_ticks, db_ticks, proxy_ticks, wrk_ms, machine_ticks, wall, hz
    }' <<<"$line" >>"$reference_tsv"
  printf '  %-12s %4s conns (run %s): %s\n' "$key" "$count" "$rep" "$(tail -n 1 "$reference_tsv" | awk -F'\t' '{
    ok = $9 - $10; stack = ($17 + $18 + $19) / $23 + $20 / 1000
    printf "%8.0f req/s  p99 %8.2f ms  CPU µs/req: server %7.1f, all %7.1f  others %.2f CPUs  errors %d/%d/%d",
      ok / $8, $15 / 1000, (ok > 0 ? $17 * 1e6 / $23 / ok : 0), (ok > 0 ? stack * 1e6 / ok : 0),
      ($21 / $23 - stack) / $22, $10, $11, $12 }')" >&2
}

reference_warmup() {
  local key="$1" count="$2"
  ((warmup > 0)) || return 0
  # shellcheck disable=SC2086
  wrk_command_for "${REFERENCE_SCRIPT[$reference_route]}" "$key" "$count" "$warmup" ${REFERENCE_SCRIPT_ARGS[$reference_route]:-}
  timeout --kill-after=5 $((warmup + 60)) "${wrk_command[@]}" >"$work_dir/raw/warmup-$key.txt" 2>&1 ||
    { cat "$work_dir/raw/warmup-$key.txt" >&2; die "warm-up failed ($key)"; }
  check_server_alive "$key"
}

# The CPU calibrations: async mode at the run's own latency (through the measured runs' proxy) at
# twice the most connections, configurations the sweep does not measure, so that no prediction is
# its own measurement. A request costs more CPU with more backends in use, and more at a latency
# than without one (every backend and the proxy wake after a round trip's sleep instead of finding
# work queued), so:
# - the cost calibrations have the sweep's largest pool and a pool halfway between its two largest,
#   about as many backends as the sweep's CPU-bound runs: their CPU per request, with the
#   1-connection run's, sets the curve C(Q) of every async prediction, each pool's from the
#   calibrated pools nearest it (measured: more backends taking turns on the CPUs, each a little
#   colder in the cache, and a request costs more);
# - the ceiling calibration has twice the largest pool, so that the pool cannot be what limits it:
#   the CPUs its stack keeps busy are N. (docs/sync-vs-async.md)
# reference_calibration_step KIND POOL CONNECTIONS REP
reference_calibration_step() {
  local kind="$1" pool="$2" count="$3" rep="$4" key="${CALIBRATION_KEY[$1]}-pool$2"
  start_service async "$key" "$pool"
  reference_warmup "$key" "$count"
  reference_step "$key" async "$pool" "$count" "$rep" "$kind"
  ((rep > 1)) || calibration_commands+=("$(serve_args_for async "${service_port[$key]}" "$pool"; printf '%s' "${serve_args[*]}")")
  stop_server "$key"
}

# cost_calibration_pools LARGEST: the cost calibrations' pools, ascending: halfway between LARGEST
# and the next smaller of the sweep's pools and the configured one (when there is a whole number
# strictly between them), then LARGEST.
cost_calibration_pools() {
  local largest="$1" below=0 pool
  for pool in "${pool_sweep[@]}" "$pool_size"; do ((pool >= largest || pool <= below)) || below="$pool"; done
  if ((below > 0 && (below + largest) / 2 > below)); then echo $(((below + largest) / 2)); fi
  echo "$largest"
}

reference_main() {
  local largest="${sweep_connections[-1]}" rep count key order pools pool cost_pool cost_pools ceiling_pool
  local calibration_connections
  section "Reference: Flask/Gunicorn (-w $threads) beside sync and async, ${REFERENCE_LABEL[$reference_route]}"
  start_reference_server
  cost_pool="$pool_size"
  ((${#pool_sweep[@]} == 0 || pool_sweep[-1] < pool_size)) || cost_pool="${pool_sweep[-1]}"
  mapfile -t cost_pools < <(cost_calibration_pools "$cost_pool")
  ceiling_pool=$((2 * cost_pool > CEILING_POOL_MAX ? CEILING_POOL_MAX : 2 * cost_pool))
  calibration_connections=$((2 * largest))
  calibration_commands=()
  reference_tsv="$work_dir/reference.tsv"
  reference_commands=()
  reference_pool_commands=()
  # The columns of bench/report/reference.py's COLUMNS, in order.
  local columns=(route server threads pool connections rep calibration seconds requests non_2xx socket_errors timeouts
    mean_us p50_us p99_us max_us server_cpu_ticks db_cpu_ticks proxy_cpu_ticks wrk_cpu_ms machine_cpu_ticks
    wall_seconds clk_tck)
  (IFS=$'\t'; printf '%s\n' "${columns[*]}") >"$reference_tsv"
  declare -A server_of=([flask]=flask [sync]=sync [async]=async) pool_of=([flask]=0 [sync]=$pool_size [async]=$pool_size)
  if ((warmup > 0)); then
    section "Warm-up (${warmup} s per server)"
    for key in flask sync async; do reference_warmup "$key" "$largest"; done
  fi

  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  for ((rep = 1; rep <= repeat; rep++)); do
    section "Repetition $rep of $repeat: the three servers at ${sweep_connections[*]} connections"
    # The servers alternate, as the modes do in the other scenarios; so does the pool sweep's order.
    if ((rep % 2 == 1)); then order=(flask sync async) pools=("${pool_sweep[@]}"); else
      order=(async sync flask); mapfile -t pools < <(printf '%s\n' "${pool_sweep[@]}" | sort -n -r); fi
    for count in "${sweep_connections[@]}"; do
      for key in "${order[@]}"; do reference_step "$key" "${server_of[$key]}" "${pool_of[$key]}" "$count" "$rep"; done
    done
    ((${#pools[@]} == 0)) || section "Repetition $rep of $repeat: async pool sweep (${pools[*]}) at $largest connections"
    for pool in "${pools[@]}"; do
      # The async service above already runs with --pool-size $pool_size: its run at $largest is that point.
      ((pool != pool_size)) || continue
      key="async-pool$pool"
      start_service async "$key" "$pool"
      reference_warmup "$key" "$largest"
      reference_step "$key" async "$pool" "$largest" "$rep"
      ((rep > 1)) || reference_pool_commands+=("$(serve_args_for async "${service_port[$key]}" "$pool"; printf '%s' "${serve_args[*]}")")
      stop_server "$key"
    done
    for pool in "${cost_pools[@]}"; do
      section "Repetition $rep of $repeat: cost calibration (async, pool $pool, $calibration_connections connections)"
      reference_calibration_step "$COST_CALIBRATION" "$pool" "$calibration_connections" "$rep"
    done
    section "Repetition $rep of $repeat: ceiling calibration (async, pool $ceiling_pool, $calibration_connections connections)"
    reference_calibration_step "$CEILING_CALIBRATION" "$ceiling_pool" "$calibration_connections" "$rep"
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  reference_report
}

reference_report() {
  section "Report"
  mkdir -p "$RESULTS_DIR"
  cp "$reference_tsv" "$RESULTS_DIR/$name.tsv"
  local setup url commands=() command
  machine_facts
  setup="One machine: $machine; wrk, the servers, PostgreSQL"
  setup+="$([[ "$db_latency_ms" == 0 ]] || echo ' and tools/latency_proxy') share it. Load average (1, 5, 15 min)"
  setup+=" before the runs: $load_before; after: $load_after. Database: PostgreSQL $pg_version,"
  setup+="$([[ "$db_latency_ms" == 0 ]] && echo ' over loopback' || echo " **+$db_latency_ms ms per round trip** through tools/latency_proxy"),"
  setup+=" $coffees coffees and $users users (bench/dataset.sql). Servers, all three at once on that database:"
  setup+=" **Flask/Gunicorn** (reference/flask: Flask $(/usr/bin/python3 -c 'import importlib.metadata as m; print(m.version("flask"))' 2>/dev/null || echo '?'),"
  setup+=" SQLAlchemy $(/usr/bin/python3 -c 'import sqlalchemy; print(sqlalchemy.__version__)' 2>/dev/null || echo '?'),"
  setup+=" Gunicorn $("$GUNICORN" --version 2>/dev/null | awk '{ print $NF }') with **-w $threads** sync workers),"
  setup+=" **coffeehouse sync** and **async** ($("$BINARY" version 2>/dev/null | head -n 1); commit $git_commit) with"
  setup+=" --threads $threads --pool-size $pool_size, and async mode again with each --pool-size of the sweep"
  setup+=" ($(IFS=,; printf '%s' "${pool_sweep[*]:-none}")) at ${sweep_connections[-1]} connections. Load: wrk -t $wrk_threads --timeout 5s,"
  setup+=" ${REFERENCE_LABEL[$reference_route]} (bench/lua/${REFERENCE_SCRIPT[$reference_route]}.lua), $duration s per run"
  setup+=" after a ${warmup} s warm-up per server, $repeat run(s) of everything, the servers' order alternating."
  setup+=" Every run: [$name.tsv]($name.tsv)."

  commands+=("$invocation" "")
  url="postgresql://$BENCH_ROLE:***@127.0.0.1:${proxy_port:-$pg_port}/$database"
  commands+=("DATABASE_URL=$url ${gunicorn_command[*]//$REPO_ROOT\//}")
  for key in sync async; do
    serve_args_for "$key" "${service_port[$key]}"
    commands+=("DATABASE_URL=$url $BINARY ${serve_args[*]}")
  done
  for command in "${reference_pool_commands[@]}"; do commands+=("DATABASE_URL=$url $BINARY $command"); done
  commands+=("# the cost calibrations and the ceiling calibration")
  for command in "${calibration_commands[@]}"; do commands+=("DATABASE_URL=$url $BINARY $command"); done
  if [[ -n "$proxy_pid" ]]; then commands+=("${proxy_command[*]}"); fi
  commands+=("")
  for command in "${reference_commands[@]}"; do commands+=("${command//$work_dir\//}"); done
  local arguments=()
  for command in "${commands[@]}"; do arguments+=(--command "$command"); done
  /usr/bin/python3 bench/report/reference.py "$reference_tsv" --name "$name" --out-dir "$RESULTS_DIR" --cpus "$(nproc)" \
    --route "$reference_route" --db-latency-ms "$db_latency_ms" --setup "$setup" "${arguments[@]}" ||
    die "the reference report failed"
  note "report: $RESULTS_DIR/$name.md, plots: $RESULTS_DIR/$name.png, $RESULTS_DIR/$name-p99.png after $((SECONDS - started_at)) s"
}
