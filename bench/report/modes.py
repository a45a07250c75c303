#!/usr/bin/env python3
"""The report of `scripts/bench` (no mode flag): sync against async, per route, by connections, and
with slow requests beside fast ones.

scripts/bench runs wrk once per scenario, mode and repetition and writes one TSV row per run (see
COLUMNS); this module takes the medians over the repetitions, sets the modes side by side with
their ratio, and writes the Markdown report and the sweep's plots (NAME-rps.png, NAME-p99.png).
Kept out of bash so that it can be tested (tests/tooling/test_modes_report.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import pathlib
import re
import statistics
import sys

from report_parts import (add_run_arguments, bad_input, code_block, machine_section, produced_by, pyplot, read_nonempty,
                          report_parser, save, write_report)
from tsv_rows import median_or_none, optional_float, read_rows

COLUMNS = (
    "scenario",            # NAME@CONNECTIONS (the routes and the sweep), mixed_fast, mixed_slow
    "mode",                # async or sync
    "connections",         # wrk connections
    "rep",                 # repetition, from 1
    "rps",                 # wrk's requests per second, any status
    "mean_us",             # wrk's latency: mean, percentiles, maximum
    "p50_us",
    "p90_us",
    "p99_us",
    "max_us",
    "requests",            # answers wrk read, any status
    "http_errors",         # statuses >= 400
    "socket_errors",       # wrk's connect + read + write errors and timeouts
    "busiest_thread_pct",  # the busiest thread's share of the service's CPU during the run
    "cpu_us_per_request",  # the service's CPU over the requests answered; n/a when none was
)
MODES = ("async", "sync")

# The routes table: scenario (wrk script) and the route it measures, in the report's order.
ROUTES = (
    ("get_user", "GET /users/{id}"),
    ("get_coffee", "GET /coffee/{id}"),
    ("users_by_country", "GET /users?country=&limit=20"),
    ("search_coffee", "GET /coffee/search?title="),
    ("coffee_notes", "GET /coffee/notes"),
    ("create_user", "POST /users"),
)
SWEEP_SCENARIO = "get_user"
STYLES = {"async": ("tab:blue", "o"), "sync": ("tab:orange", "s")}


@dataclasses.dataclass(frozen=True)
class Run:
    """One wrk run."""
    scenario: str
    mode: str
    connections: int
    rep: int
    rps: float
    mean_us: float
    p50_us: float
    p90_us: float
    p99_us: float
    max_us: float
    requests: int
    http_errors: int
    socket_errors: int
    busiest_thread_pct: float
    cpu_us_per_request: float | None


_FLOAT_COLUMNS = ("rps", "mean_us", "p50_us", "p90_us", "p99_us", "max_us", "busiest_thread_pct")
_INTEGER_COLUMNS = ("connections", "rep", "requests", "http_errors", "socket_errors")


def _run(row: dict[str, str]) -> Run:
    if row["mode"] not in MODES:
        raise ValueError(f"unknown mode {row['mode']!r}")
    return Run(scenario=row["scenario"], mode=row["mode"],
               cpu_us_per_request=optional_float(row["cpu_us_per_request"]),
               **{name: int(row[name]) for name in _INTEGER_COLUMNS},
               **{name: float(row[name]) for name in _FLOAT_COLUMNS})


def read_runs(path: pathlib.Path) -> list[Run]:
    """The rows of a TSV that scripts/bench wrote; a missing or extra column is an error."""
    return read_rows(path, COLUMNS, _run)


@dataclasses.dataclass(frozen=True)
class Summary:
    """Every repetition of one scenario in one mode: medians of the rates, latencies, thread share
    and CPU (over the runs that answered something), totals of the errors."""
    runs: int
    rps: float
    p50_us: float
    p90_us: float
    p99_us: float
    http_errors: int
    socket_errors: int
    busiest_thread_pct: float
    cpu_us_per_request: float | None


def summaries(runs: list[Run]) -> dict[tuple[str, str], Summary]:
    """Per (scenario, mode)."""
    found = {}
    for key in dict.fromkeys((run.scenario, run.mode) for run in runs):
        group = [run for run in runs if (run.scenario, run.mode) == key]
        found[key] = Summary(
            runs=len(group),
            rps=statistics.median(run.rps for run in group),
            p50_us=statistics.median(run.p50_us for run in group),
            p90_us=statistics.median(run.p90_us for run in group),
            p99_us=statistics.median(run.p99_us for run in group),
            http_errors=sum(run.http_errors for run in group),
            socket_errors=sum(run.socket_errors for run in group),
            busiest_thread_pct=statistics.median(run.busiest_thread_pct for run in group),
            cpu_us_per_request=median_or_none(run.cpu_us_per_request for run in group),
        )
    return found


def ratio(a: Summary | None, s: Summary | None) -> str:
    """Async's requests/s over sync's."""
    if a is None or s is None or s.rps <= 0:
        return "n/a"
    return f"{a.rps / s.rps:.2f}×"


TABLE_COLUMNS = ("req/s async | req/s sync | async/sync | CPU µs/req (async / sync) | p50 ms (async / sync) "
                 "| p90 ms | p99 ms | busiest io thread | errors async | errors sync")


def table_header(first: str) -> list[str]:
    return [f"| {first} | {TABLE_COLUMNS} |", "|---|" + "---:|" * 10]


def table_row(label: str, found: dict[tuple[str, str], Summary], scenario: str) -> str:
    """The two modes side by side: requests/s, their ratio, then each metric as async / sync."""
    a, s = found.get((scenario, "async")), found.get((scenario, "sync"))

    def both(cell) -> str:
        return " / ".join("n/a" if summary is None else cell(summary) for summary in (a, s))

    def errors(summary: Summary | None) -> str:
        return "n/a" if summary is None else f"{summary.http_errors}/{summary.socket_errors}"

    def rps(summary: Summary | None) -> str:
        return "n/a" if summary is None else f"{summary.rps:.0f}"

    cpu = both(lambda m: "n/a" if m.cpu_us_per_request is None else f"{m.cpu_us_per_request:.1f}")
    latencies = " | ".join(both(lambda m, name=name: f"{getattr(m, name) / 1000:.2f}")
                           for name in ("p50_us", "p90_us", "p99_us"))
    busiest = both(lambda m: f"{m.busiest_thread_pct:.6g}%")
    return (f"| {label} | {rps(a)} | {rps(s)} | **{ratio(a, s)}** | {cpu} | {latencies} "
            f"| {busiest} | {errors(a)} | {errors(s)} |")


@dataclasses.dataclass(frozen=True)
class Settings:
    """How the run was made, as far as the report's prose says."""
    threads: int
    pool_size: int
    db_latency_ms: float
    pgbouncer: bool
    prepared_statements: str
    repeat: int
    duration: int
    connections: int
    sweep: list[int]
    slow_connections: int
    slow_description: str
    clk_tck: int


def _where(settings: Settings) -> str:
    where = (" over loopback" if settings.db_latency_ms == 0 else
             f", reached through tools/latency_proxy adding **{settings.db_latency_ms:g} ms per round trip**")
    if settings.pgbouncer:
        where += f", **through PgBouncer** in transaction pooling (default_pool_size {settings.pool_size})"
    return where + f", prepared statements {settings.prepared_statements}"


def natural_key(text: str) -> list:
    """get_user@16 before get_user@256, as `sort -V` orders them."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def markdown(runs: list[Run], settings: Settings, *, name: str, produced: str, machine: list[str],
             commands: list[str], wrk_commands: list[tuple[str, str, str]]) -> str:
    found = summaries(runs)
    s = settings
    lines = [
        f"# Sync vs async: {name}", "", produced, "",
        f"Both services ran at once, with the same settings (**{s.threads} io threads, {s.pool_size} database "
        "connections**), against one",
        f"PostgreSQL 15 cluster on this machine{_where(s)}. Each number is the **median of {s.repeat} run(s) of "
        f"{s.duration} s**; the modes",
        "alternate (async first on odd repetitions, sync first on even ones). Errors are summed over the repetitions:",
        "HTTP/socket, where HTTP counts statuses ≥ 400 and socket counts connect, read and write errors and 5 s",
        "timeouts. Latency is what wrk measured (closed loop: each connection waits for its answer before it",
        "sends the next request). \"Busiest io thread\" is that thread's share of the CPU time the service used",
        f"during the run: with {s.threads} io threads, {100 // s.threads}% is an even split; 100% means one thread "
        "served every connection.",
        "\"CPU µs/req\" is the service process's utime+stime during the run over the requests wrk counted as answered",
        f"(any status); the kernel counts CPU time in {1000 // s.clk_tck} ms ticks, so it is only as good as the run "
        "is long: a run that",
        f"uses a second of CPU is {s.clk_tck} ticks, good to about {100 / s.clk_tck:g} %.",
        f"Every repetition: [{name}.tsv]({name}.tsv).",
        "",
        f"## Routes at {s.connections} connections",
        "",
        *table_header("Route"),
        *(table_row(label, found, f"{scenario}@{s.connections}") for scenario, label in ROUTES),
        "",
        "## Connection sweep, GET /users/{id}",
        "",
        *table_header("Connections"),
        *(table_row(str(count), found, f"{SWEEP_SCENARIO}@{count}") for count in s.sweep),
        "",
        f"![requests/s by connections]({name}-rps.png)",
        f"![p99 latency by connections]({name}-p99.png)",
        "",
        "## Mixed: slow requests next to fast ones",
        "",
        f"Two wrk processes at once for {s.duration} s: **{s.slow_connections} connection(s)** send "
        f"{s.slow_description}, while {s.connections} connections send",
        "GET /users/{id}. Each wrk reports only its own requests, so the fast requests' numbers below are theirs",
        "alone; \"alone\" is the same fast load without the slow one, from the routes table. The one service answered",
        "both wrk processes, so both rows' CPU µs/req is its CPU over their requests together.",
        "",
        *table_header("Load"),
        table_row("fast, alone", found, f"{SWEEP_SCENARIO}@{s.connections}"),
        table_row("fast, next to the slow ones", found, "mixed_fast"),
        table_row(f"slow ({s.slow_connections} conn.)", found, "mixed_slow"),
        "",
        *machine_section(machine),
        "",
        "## Commands",
        "",
        *code_block(commands),
        "",
        "wrk, per scenario and mode (`dataset.lua` is generated from the database: id ranges, countries with their",
        "user counts, title words):",
        "",
        *code_block([line for scenario, mode, command in
                     sorted(wrk_commands, key=lambda entry: (natural_key(entry[0]), entry[1]))
                     for line in (f"# {scenario}, {mode}", command)]),
        "",
    ]
    return "\n".join(lines)


def plot_sweep(runs: list[Run], settings: Settings, directory: pathlib.Path, name: str) -> list[pathlib.Path]:
    """NAME-rps.png (requests/s) and NAME-p99.png (p99, with p50 dotted) by connections, both modes on
    each; the requests/s chart marks the async/sync ratio at every step."""
    plt = pyplot()
    found = summaries(runs)
    subtitle = (f"threads {settings.threads}, pool {settings.pool_size}, db latency +{settings.db_latency_ms:g} ms"
                f"{', PgBouncer' if settings.pgbouncer else ''}; median of {settings.repeat} × {settings.duration} s")
    series = {mode: [(count, found[(f"{SWEEP_SCENARIO}@{count}", mode)]) for count in settings.sweep
                     if (f"{SWEEP_SCENARIO}@{count}", mode) in found] for mode in MODES}
    paths = [directory / f"{name}-rps.png", directory / f"{name}-p99.png"]

    figure, axes = plt.subplots(figsize=(9.6, 5.6))
    for mode, points in series.items():
        color, marker = STYLES[mode]
        axes.plot([c for c, _ in points], [p.rps for _, p in points], marker=marker, color=color, linewidth=2,
                  label=f"{mode}")
    for count in settings.sweep:
        a, s = found.get((f"{SWEEP_SCENARIO}@{count}", "async")), found.get((f"{SWEEP_SCENARIO}@{count}", "sync"))
        # The higher of the two values is labelled above its point, the lower below.
        for mode, point, other in (("async", a, s), ("sync", s, a)):
            if point is not None:
                above = other is None or point.rps >= other.rps
                axes.annotate(f"{point.rps:,.0f}", (count, point.rps), color=STYLES[mode][0], fontsize="small",
                              textcoords="offset points", xytext=(6, 6 if above else -14))
        if ratio(a, s) != "n/a":
            axes.annotate(f"async/sync {ratio(a, s)}", (count, 0), textcoords="offset points", xytext=(0, 6),
                          ha="center", fontsize="x-small", color="dimgray")
    _connections_axis(axes, settings.sweep)
    axes.set_ylabel("requests per second (any status)")
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    axes.set_ylim(bottom=0)
    axes.set_title(f"GET /users/{{id}}: throughput\n{subtitle}")
    axes.legend(loc="upper left")
    save(figure, paths[0])

    figure, axes = plt.subplots(figsize=(9.6, 5.6))
    for mode, points in series.items():
        color, marker = STYLES[mode]
        x = [c for c, _ in points]
        axes.plot(x, [p.p99_us / 1000 for _, p in points], marker=marker, color=color, linewidth=2,
                  label=f"{mode}: p99")
        axes.plot(x, [p.p50_us / 1000 for _, p in points], marker=marker, color=color, linewidth=1,
                  linestyle=":", label=f"{mode}: p50")
    _connections_axis(axes, settings.sweep)
    axes.set_yscale("log")
    axes.set_ylabel("latency, ms (log scale)")
    axes.set_title(f"GET /users/{{id}}: 99th percentile latency (p50 dotted)\n{subtitle}")
    axes.legend(loc="upper left")
    save(figure, paths[1])
    return paths


def _connections_axis(axes, counts: list[int]) -> None:
    axes.set_xscale("log", base=2)
    axes.set_xticks(counts, [f"{count:,}" for count in counts])
    axes.set_xlim(counts[0] / 1.5, counts[-1] * 1.5)
    axes.set_xlabel("wrk connections (log scale)")
    axes.grid(True, which="both", alpha=0.3)


def _counts(text: str) -> list[int]:
    counts = sorted({int(part) for part in text.split(",")})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError(f"expected connection counts like 1,16,64, got {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = report_parser(__doc__, "NAME.md, NAME-rps.png, NAME-p99.png")
    parser.add_argument("tsv", type=pathlib.Path, help="the runs, as scripts/bench writes them")
    add_run_arguments(parser)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--pool-size", type=int, required=True)
    parser.add_argument("--db-latency-ms", type=float, default=0.0)
    parser.add_argument("--pgbouncer", action="store_true", help="the services reached PostgreSQL through PgBouncer")
    parser.add_argument("--prepared-statements", choices=("on", "off"), default="on")
    parser.add_argument("--repeat", type=int, required=True)
    parser.add_argument("--duration", type=int, required=True, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, required=True, help="of the routes and the mixed scenario")
    parser.add_argument("--sweep", type=_counts, required=True, help="the sweep's connection counts")
    parser.add_argument("--slow-connections", type=int, required=True)
    parser.add_argument("--slow-description", required=True, help="what the mixed scenario's slow requests are")
    parser.add_argument("--wrk-command", nargs=3, action="append", default=[], metavar=("SCENARIO", "MODE", "COMMAND"))
    args = parser.parse_args(argv)
    if args.threads < 1 or args.clk_tck < 1:
        return bad_input("modes report", "--threads and --clk-tck must be at least 1")
    try:
        runs = read_nonempty(read_runs, args.tsv, "runs")
    except (OSError, ValueError) as error:
        return bad_input("modes report", str(error))
    settings = Settings(args.threads, args.pool_size, args.db_latency_ms, args.pgbouncer, args.prepared_statements,
                        args.repeat, args.duration, args.connections, args.sweep, args.slow_connections,
                        args.slow_description, args.clk_tck)
    plot_sweep(runs, settings, args.out_dir, args.name)
    report = markdown(runs, settings, name=args.name, produced=produced_by(args.produced_by, args.elapsed_seconds),
                      machine=args.machine, commands=args.command, wrk_commands=args.wrk_command)
    write_report(args.out_dir, args.name, report, "| Route")
    return 0


if __name__ == "__main__":
    sys.exit(main())
