#!/usr/bin/env python3
"""The report of `scripts/bench --limit` and `--soak`: the async service against PostgreSQL's own
limit, pgbench running the service's SQL, and the service's memory over a long run.

scripts/bench --limit runs, per read route and round, pgbench at each client count and wrk against
the service, and writes one TSV row per run (see COLUMNS); --soak samples the service's RSS while
every route runs at once (SOAK_COLUMNS). This module takes the best pgbench run of each round as
the limit, the service's requests/s over it as the ratio, judges the ratios against the targets
(docs/performance.md; exit 1 when one is not met), and writes the Markdown report and the plots
(NAME-limit.png, NAME-soak.png). Tested in tests/tooling/test_limit_report.py.
"""

from __future__ import annotations

import dataclasses
import pathlib
import statistics
import sys

from report_parts import (add_run_arguments, bad_input, code_block, machine_section, produced_by, pyplot, read_nonempty,
                          report_parser, save, write_report)
from tsv_rows import median_or_none, optional_float, read_rows

COLUMNS = (
    "route",               # the route's short name (user, country, search, notes)
    "side",                # pgbench or service
    "clients",             # pgbench -c, or wrk's connections
    "round",               # from 1
    "rps",                 # pgbench's tps, or wrk's requests per second
    "p50_us",              # pgbench: from its per-transaction log; service: wrk's
    "p99_us",
    "peak_rss_kb",         # the service's VmHWM during its run (0 on pgbench's rows)
    "errors",              # wrk's HTTP and socket errors (0 on pgbench's rows)
    "cpu_us_per_request",  # the service's CPU per request answered; n/a when none was, empty on pgbench's rows
)
SOAK_COLUMNS = ("seconds", "rss_kb")
SIDES = ("pgbench", "service")

# The targets: the service's requests/s over the pgbench limit, per route; p99 and peak RSS.
RATIO_TARGETS = {"user": 0.80, "country": 0.70, "search": 0.70, "notes": 0.70}
P99_TARGET_MS = 10
RSS_TARGET_KB = 20 * 1024
SQL_LINES_SHOWN = 12


@dataclasses.dataclass(frozen=True)
class Run:
    """One pgbench or wrk run."""
    route: str
    side: str
    clients: int
    round: int
    rps: float
    p50_us: float
    p99_us: float
    peak_rss_kb: int
    errors: int
    cpu_us_per_request: float | None


def _run(row: dict[str, str]) -> Run:
    if row["side"] not in SIDES:
        raise ValueError(f"unknown side {row['side']!r}")
    if row["route"] not in RATIO_TARGETS:
        raise ValueError(f"unknown route {row['route']!r}")
    return Run(route=row["route"], side=row["side"], clients=int(row["clients"]), round=int(row["round"]),
               rps=float(row["rps"]), p50_us=float(row["p50_us"]), p99_us=float(row["p99_us"]),
               peak_rss_kb=int(row["peak_rss_kb"]), errors=int(row["errors"]),
               cpu_us_per_request=optional_float(row["cpu_us_per_request"]))


def read_runs(path: pathlib.Path) -> list[Run]:
    return read_rows(path, COLUMNS, _run)


@dataclasses.dataclass(frozen=True)
class RouteSummary:
    """Medians over the rounds of the service's req/s, CPU and latencies, of the limit (each
    round's best pgbench tps), of the ratio within each round and of pgbench's p99 at its best
    client count; the service's highest peak RSS and its errors over every round."""
    route: str
    service_rps: float
    cpu_us_per_request: float | None
    limit_tps: float
    best_clients: list[int]     # per round
    ratio: float
    p50_us: float
    p99_us: float
    limit_p99_us: float
    peak_rss_kb: int
    errors: int

    @property
    def target(self) -> float:
        return RATIO_TARGETS[self.route]

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


def summarize(runs: list[Run]) -> list[RouteSummary]:
    """Per route, in the order the service first ran them. A round of the service without a
    pgbench run of the same route is a ValueError: it has no limit."""
    found = []
    for route in dict.fromkeys(run.route for run in runs if run.side == "service"):
        service = [run for run in runs if run.route == route and run.side == "service"]
        best = []
        for run in service:
            pgbench = [p for p in runs if p.route == route and p.side == "pgbench" and p.round == run.round]
            if not pgbench:
                raise ValueError(f"{route}, round {run.round}: the service ran but pgbench did not")
            # The first of equal bests, as pgbench ran them.
            best.append(max(pgbench, key=lambda p: p.rps))
        found.append(RouteSummary(
            route=route,
            service_rps=statistics.median(run.rps for run in service),
            cpu_us_per_request=median_or_none(run.cpu_us_per_request for run in service),
            limit_tps=statistics.median(b.rps for b in best),
            best_clients=[b.clients for b in best],
            ratio=statistics.median(run.rps / b.rps if b.rps > 0 else 0.0 for run, b in zip(service, best)),
            p50_us=statistics.median(run.p50_us for run in service),
            p99_us=statistics.median(run.p99_us for run in service),
            limit_p99_us=statistics.median(b.p99_us for b in best),
            peak_rss_kb=max(run.peak_rss_kb for run in service),
            errors=sum(run.errors for run in service),
        ))
    return found


@dataclasses.dataclass(frozen=True)
class Sample:
    seconds: int
    rss_kb: int


def read_samples(path: pathlib.Path) -> list[Sample]:
    return read_rows(path, SOAK_COLUMNS, lambda row: Sample(int(row["seconds"]), int(row["rss_kb"])))


@dataclasses.dataclass(frozen=True)
class SoakSummary:
    """The RSS once the service has settled (after the first minute, or the first fifth of a
    shorter soak), at the end, its peak from then on, and the slope of a least-squares line through
    those samples."""
    settle_seconds: int
    settle_rss_kb: int
    end_rss_kb: int
    peak_rss_kb: int
    trend_kb_per_minute: float
    settled: list[Sample]

    @property
    def growth_kb(self) -> int:
        return self.end_rss_kb - self.settle_rss_kb


def summarize_soak(samples: list[Sample], soak_seconds: int) -> SoakSummary:
    settle = 60 if soak_seconds >= 120 else soak_seconds / 5
    settled = [sample for sample in samples if sample.seconds >= settle]
    if not settled:
        raise ValueError(f"no RSS sample at or after {settle:g} s of the soak")
    n = len(settled)
    sx = sum(s.seconds for s in settled)
    sy = sum(s.rss_kb for s in settled)
    sxx = sum(s.seconds * s.seconds for s in settled)
    sxy = sum(s.seconds * s.rss_kb for s in settled)
    denominator = n * sxx - sx * sx
    slope = (n * sxy - sx * sy) / denominator * 60 if n > 1 and denominator != 0 else 0.0
    return SoakSummary(settled[0].seconds, settled[0].rss_kb, samples[-1].rss_kb,
                       max(s.rss_kb for s in settled), slope, settled)


@dataclasses.dataclass(frozen=True)
class RouteDetail:
    """What reproduces one route's measurements: its label, its pgbench script, the commands."""
    route: str
    label: str
    sql_file: pathlib.Path
    pgbench_command: str
    wrk_command: str


@dataclasses.dataclass(frozen=True)
class Soak:
    seconds: int
    wrk_processes: int
    requests: int
    errors: int
    hwm_kb: int
    commands: list[str]
    samples: list[Sample]


@dataclasses.dataclass(frozen=True)
class Limit:
    clients: str
    connections: int
    repeat: int
    duration: int
    clk_tck: int
    routes: list[RouteDetail]
    runs: list[Run]


def _ms(microseconds: float) -> str:
    return f"{microseconds / 1000:.2f}"


def limit_lines(limit: Limit, name: str) -> list[str]:
    labels = {detail.route: detail.label for detail in limit.routes}
    lines = [
        "Per route and round: pgbench (`-M prepared -j 2`, the service's own prepared statement, parameters",
        f"drawn as the wrk script draws them) at {limit.clients} clients, then wrk at {limit.connections} connections "
        "against the service",
        f"(the order flips every round); {limit.repeat} round(s) of {limit.duration} s each. **Limit** is the best "
        "pgbench tps of the round,",
        "**ratio** the service's req/s over the limit *of the same round*; the table shows medians over the",
        "rounds. pgbench latencies come from its per-transaction log (10 % sampled) at the best client count.",
        "Peak RSS is the service's VmHWM during its wrk run (reset before each run). Service CPU µs/req is the",
        "service process's utime+stime during its wrk run over the requests wrk counted as answered (any status),",
        f"counted by the kernel in {1000 // limit.clk_tck} ms ticks: only as good as the run is long. Every run: "
        f"[{name}.tsv]({name}.tsv).",
        "",
        "| Route | service req/s | service CPU µs/req | pgbench limit tps (clients, per round) | **ratio** | target "
        "| service p50 / p99 ms | pgbench p99 ms | peak RSS MiB | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for summary in summarize(limit.runs):
        cpu = "n/a" if summary.cpu_us_per_request is None else f"{summary.cpu_us_per_request:.1f}"
        clients = ",".join(str(count) for count in summary.best_clients)
        lines.append(
            f"| {labels[summary.route]} | {summary.service_rps:.0f} | {cpu} | {summary.limit_tps:.0f} ({clients}) "
            f"| **{summary.ratio:.2f}×** | ≥ {summary.target:.2f}× ({'met' if summary.met else 'not met'}) "
            f"| {_ms(summary.p50_us)} / {_ms(summary.p99_us)} | {_ms(summary.limit_p99_us)} "
            f"| {summary.peak_rss_kb / 1024:.1f} | {summary.errors} |")
    lines += [
        "",
        f"Targets: p99 under {P99_TARGET_MS} ms at {limit.connections} connections (with 1,000,000 users and "
        f"100,000 coffees); peak RSS ≤ {RSS_TARGET_KB // 1024} MiB.",
        "",
        f"![service req/s and p99 against pgbench's, per route]({name}-limit.png)",
    ]
    return lines


def soak_lines(soak: Soak, name: str) -> list[str]:
    summary = summarize_soak(soak.samples, soak.seconds)
    settle = summary.settle_seconds
    return [
        f"## Soak: {soak.seconds} s, every read route at once",
        "",
        f"{soak.wrk_processes} wrk processes (one per route) for {soak.seconds} s ({soak.requests} requests, "
        f"{soak.errors} errors), the service's VmRSS sampled every 5 s",
        f"([{name}-soak.tsv]({name}-soak.tsv)).",
        "",
        f"| RSS at {settle} s | RSS at the end | peak (samples) | VmHWM | growth after {settle} s "
        f"| trend after {settle} s |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {summary.settle_rss_kb} KiB | {summary.end_rss_kb} KiB | {summary.peak_rss_kb} KiB | {soak.hwm_kb} KiB "
        f"| {summary.growth_kb:+d} KiB | {summary.trend_kb_per_minute:+.1f} KiB/min |",
        "",
        f"![the service's RSS during the soak]({name}-soak.png)",
    ]


def commands_lines(limit: Limit | None, soak: Soak | None, commands: list[str]) -> list[str]:
    lines = ["## Commands", "", *code_block(commands)]
    for detail in (limit.routes if limit else []):
        sql = detail.sql_file.read_text(encoding="utf-8").splitlines()[:SQL_LINES_SHOWN]
        lines += [
            "",
            f"<details><summary>{detail.label}: pgbench and wrk</summary>",
            "",
            *code_block([detail.pgbench_command, detail.wrk_command]),
            "",
            f"`{detail.sql_file.name}` (the largest are cut to their first {SQL_LINES_SHOWN} lines):",
            "",
            *code_block(sql, language=""),
            "",
            "</details>",
        ]
    if soak:
        lines += ["", "Soak:", "", *code_block([f"{command} &" for command in soak.commands])]
    return lines


def markdown(*, name: str, produced: str, service: str, limit: Limit | None, soak: Soak | None,
             machine: list[str], commands: list[str]) -> str:
    lines = [f"# The service against the database's limit: {name}", "", produced, "", service]
    if limit:
        lines += limit_lines(limit, name)
    if soak:
        lines += ["", *soak_lines(soak, name)]
    lines += ["", *machine_section(machine), "", *commands_lines(limit, soak, commands), ""]
    return "\n".join(lines)


def plot_limit(limit: Limit, path: pathlib.Path, *, title: str) -> None:
    """Left: per route the service's req/s beside the pgbench limit, the target as a dashed line over
    the service's bar. Right: both p99s (log scale) with the p99 target."""
    plt = pyplot()
    labels = {detail.route: detail.label for detail in limit.routes}
    found = summarize(limit.runs)
    x = range(len(found))
    width = 0.38
    figure, (rate_axes, latency_axes) = plt.subplots(1, 2, figsize=(13, 6.2))
    rate_axes.bar([i - width / 2 for i in x], [s.service_rps for s in found], width, color="tab:blue",
                  label="service (wrk), req/s")
    rate_axes.bar([i + width / 2 for i in x], [s.limit_tps for s in found], width, color="tab:gray",
                  label="limit: best pgbench tps of the round")
    for i, summary in zip(x, found):
        target = summary.target * summary.limit_tps
        rate_axes.hlines(target, i - width, i, colors="tab:red", linestyles="--",
                         label="target: ratio × limit" if i == 0 else None)
        rate_axes.annotate(f"{summary.ratio:.2f}× (≥ {summary.target:.2f}×)",
                           (i - width / 2, max(summary.service_rps, target)), textcoords="offset points",
                           xytext=(0, 4), ha="center", fontsize="small",
                           color="black" if summary.met else "tab:red")
    rate_axes.set_ylabel("requests (wrk) or transactions (pgbench) per second")
    rate_axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    rate_axes.set_title("throughput: the service against the database's limit")

    latency_axes.bar([i - width / 2 for i in x], [s.p99_us / 1000 for s in found], width, color="tab:blue",
                     label=f"service p99 at {limit.connections} connections")
    latency_axes.bar([i + width / 2 for i in x], [s.limit_p99_us / 1000 for s in found], width, color="tab:gray",
                     label="pgbench p99 at its best client count")
    latency_axes.axhline(P99_TARGET_MS, color="tab:red", linestyle="--", label=f"target: p99 < {P99_TARGET_MS} ms")
    latency_axes.set_yscale("log")
    # Plain numbers on the log axis, at 1, 2 and 5 of every decade.
    latency_axes.yaxis.set_major_formatter(lambda value, _: f"{value:g}")
    latency_axes.yaxis.set_minor_formatter(lambda value, _: f"{value:g}" if f"{value:.0e}"[0] in "25" else "")
    latency_axes.set_ylabel("p99 latency, ms (log scale)")
    latency_axes.set_title("p99 latency (median of the rounds)")
    for axes in (rate_axes, latency_axes):
        axes.set_xticks(list(x), [labels[s.route] for s in found], rotation=12, fontsize="small")
        axes.grid(True, axis="y", which="both", alpha=0.3)
        axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    figure.suptitle(title)
    save(figure, path)


def plot_soak(soak: Soak, path: pathlib.Path, *, title: str) -> None:
    """The RSS samples over time, the RSS target, VmHWM, and the trend line after settling."""
    plt = pyplot()
    summary = summarize_soak(soak.samples, soak.seconds)
    figure, axes = plt.subplots(figsize=(9.6, 5))
    axes.plot([s.seconds for s in soak.samples], [s.rss_kb / 1024 for s in soak.samples], marker=".",
              color="tab:blue", label="VmRSS (sampled every 5 s)")
    axes.axhline(soak.hwm_kb / 1024, color="tab:blue", linestyle=":", label="VmHWM: the peak the kernel saw")
    axes.axhline(RSS_TARGET_KB / 1024, color="tab:red", linestyle="--", label=f"target: ≤ {RSS_TARGET_KB // 1024} MiB")
    first, last = summary.settled[0].seconds, summary.settled[-1].seconds
    slope_per_second = summary.trend_kb_per_minute / 60
    mean_t = statistics.fmean(s.seconds for s in summary.settled)
    mean_rss = statistics.fmean(s.rss_kb for s in summary.settled)
    axes.plot([first, last], [(mean_rss + slope_per_second * (t - mean_t)) / 1024 for t in (first, last)],
              color="black", linestyle="-.",
              label=f"trend after {first} s: {summary.trend_kb_per_minute:+.1f} KiB/min")
    axes.set_xlabel("seconds into the soak")
    axes.set_ylabel("resident memory, MiB")
    axes.set_ylim(bottom=0, top=max(RSS_TARGET_KB, soak.hwm_kb, summary.peak_rss_kb) / 1024 * 1.15)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small", loc="lower right")
    save(figure, path)


def main(argv: list[str] | None = None) -> int:
    parser = report_parser(__doc__, "NAME.md, NAME-limit.png, NAME-soak.png")
    add_run_arguments(parser)
    parser.add_argument("--service", required=True, help="the line on the dataset and the service's flags")
    limit_group = parser.add_argument_group("--limit")
    limit_group.add_argument("--limit-tsv", type=pathlib.Path, help="the runs, as scripts/bench --limit writes them")
    limit_group.add_argument("--clients", help="pgbench's client counts, as given (4,8,16)")
    limit_group.add_argument("--connections", type=int, help="wrk's connections against the service")
    limit_group.add_argument("--repeat", type=int, help="rounds")
    limit_group.add_argument("--duration", type=int, help="seconds per run")
    limit_group.add_argument("--route", nargs=5, action="append", default=[],
                             metavar=("ROUTE", "LABEL", "SQL_FILE", "PGBENCH_COMMAND", "WRK_COMMAND"))
    soak_group = parser.add_argument_group("--soak")
    soak_group.add_argument("--soak-tsv", type=pathlib.Path, help="the RSS samples, as scripts/bench --soak writes them")
    soak_group.add_argument("--soak-seconds", type=int)
    soak_group.add_argument("--soak-wrk-processes", type=int)
    soak_group.add_argument("--soak-requests", type=int)
    soak_group.add_argument("--soak-errors", type=int)
    soak_group.add_argument("--soak-hwm-kb", type=int, help="the service's VmHWM at the end of the soak")
    soak_group.add_argument("--soak-command", action="append", default=[], help="a wrk command of the soak")
    args = parser.parse_args(argv)

    def fail(error: str) -> int:
        return bad_input("limit report", error)

    if args.limit_tsv is None and args.soak_tsv is None:
        return fail("nothing to report: give --limit-tsv, --soak-tsv or both")
    if args.clk_tck < 1:
        return fail("--clk-tck must be at least 1")
    for group, names in ((args.limit_tsv, ("clients", "connections", "repeat", "duration")),
                         (args.soak_tsv, ("soak_seconds", "soak_wrk_processes", "soak_requests", "soak_errors",
                                          "soak_hwm_kb"))):
        missing = [f"--{n.replace('_', '-')}" for n in names if group is not None and getattr(args, n) is None]
        if missing:
            return fail(f"{', '.join(missing)} missing")
    limit = soak = None
    try:
        if args.limit_tsv is not None:
            runs = read_runs(args.limit_tsv)
            routes = [RouteDetail(route, label, pathlib.Path(sql), pgbench, wrk)
                      for route, label, sql, pgbench, wrk in args.route]
            if not any(run.side == "service" for run in runs):
                return fail(f"{args.limit_tsv} has no run of the service")
            unnamed = {run.route for run in runs} - {detail.route for detail in routes}
            if unnamed:
                return fail(f"no --route for {', '.join(sorted(unnamed))} of {args.limit_tsv}")
            limit = Limit(args.clients, args.connections, args.repeat, args.duration, args.clk_tck, routes, runs)
        if args.soak_tsv is not None:
            samples = read_nonempty(read_samples, args.soak_tsv, "samples")
            soak = Soak(args.soak_seconds, args.soak_wrk_processes, args.soak_requests, args.soak_errors,
                        args.soak_hwm_kb, args.soak_command, samples)
        report = markdown(name=args.name, produced=produced_by(args.produced_by, args.elapsed_seconds),
                          service=args.service, limit=limit, soak=soak, machine=args.machine, commands=args.command)
    except (OSError, ValueError) as error:
        return fail(str(error))
    if limit:
        plot_limit(limit, args.out_dir / f"{args.name}-limit.png",
                   title=f"{args.name}: the service against pgbench running its SQL")
    if soak:
        plot_soak(soak, args.out_dir / f"{args.name}-soak.png",
                  title=f"{args.name}: the service's memory, every read route at once for {soak.seconds} s")
    write_report(args.out_dir, args.name, report, "| Route", "| RSS at")
    missed = [s for s in (summarize(limit.runs) if limit else []) if not s.met]
    for summary in missed:
        print(f"limit report: {summary.route}: ratio {summary.ratio:.2f}× below the target {summary.target:.2f}×",
              file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
