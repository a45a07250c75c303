#!/usr/bin/env python3
"""The report of `scripts/bench --overload`: goodput against connections, in both modes.

scripts/bench runs wrk at each connection count against each mode and writes one TSV row per
step (see COLUMNS); this module turns the rows into the Markdown report, the plot, and the
verdicts on the targets of issue #19. Kept out of bash so that it can be tested
(tests/tooling/test_overload_report.py).
"""

from __future__ import annotations

import dataclasses
import pathlib
import statistics
import sys

from report_parts import bad_input, pyplot, read_nonempty, report_parser, save, write_report
from tsv_rows import WrkCounts, read_rows

COLUMNS = (
    "mode",            # async or sync
    "connections",     # wrk connections
    "rep",             # repetition, from 1
    "seconds",         # wrk's measured duration
    "requests",        # answers wrk read, any status
    "non_2xx",         # of which not 2xx/3xx (wrk's errors.status)
    "status_503",      # 503 answers the service counted meanwhile (/metrics: http_requests_total)
    "socket_errors",   # wrk's connect + read + write errors
    "timeouts",        # wrk's requests unanswered within its --timeout
    "p50_us",          # wrk's latency percentiles, over every answer
    "p99_us",
    "max_us",
    "rss_peak_kb",     # the service's peak RSS during the step (VmHWM, reset before it)
    "cpu_ticks",       # the service's user + system CPU during the step
    "db_ticks",        # PostgreSQL's (the postmaster and every process under it)
    "wrk_ms",          # wrk's, in milliseconds (the bench shell's children's times)
    "machine_ticks",   # every CPU's busy time: the three above, and the kernel's work for them
    "clk_tck",         # ticks per second
    "mean_us",         # wrk's mean latency: with the answers per second, the requests in flight it implies
)

# Little's law: wrk's connections each hold one request at a time, so its answers per second times
# its mean latency cannot exceed its connections. Beyond this much, its latencies are not its
# requests' (seen with --db-pipeline on: a mean of 31.5 ms at 33,585 answers/s over 64 connections).
LITTLES_LAW_SLACK = 1.2

# Issue #19's targets.
GOODPUT_SHARE_TARGET = 0.90      # async 2xx/s at many connections over its 64-connection 2xx/s
TARGET_CONNECTIONS = (4000, 9000)
REFERENCE_CONNECTIONS = 64
RSS_TARGET_KB = 100 * 1024       # at the largest step


@dataclasses.dataclass(frozen=True)
class Step(WrkCounts):
    """One wrk run."""
    mode: str
    connections: int
    rep: int
    status_503: int
    socket_errors: int
    timeouts: int
    p50_us: int
    p99_us: int
    max_us: int
    rss_peak_kb: int
    cpu_ticks: int
    db_ticks: int
    wrk_ms: int
    machine_ticks: int
    clk_tck: int
    mean_us: int

    @property
    def in_flight_by_wrk(self) -> float:
        """The requests in flight that wrk's answers per second and mean latency imply (L = λW)."""
        return self.answers_per_second * self.mean_us / 1e6

    @property
    def latencies_consistent(self) -> bool:
        return self.in_flight_by_wrk <= self.connections * LITTLES_LAW_SLACK

    def _per_success(self, seconds: float) -> float | None:
        return seconds * 1e6 / self.successes if self.successes else None

    def _ticks_per_success(self, ticks: int) -> float | None:
        return self._per_success(ticks / self.clk_tck) if self.clk_tck else None

    @property
    def cpu_us_per_success(self) -> float | None:
        """The service's CPU per 2xx answer."""
        return self._ticks_per_success(self.cpu_ticks)

    @property
    def db_us_per_success(self) -> float | None:
        return self._ticks_per_success(self.db_ticks)

    @property
    def wrk_us_per_success(self) -> float | None:
        return self._per_success(self.wrk_ms / 1000)

    @property
    def machine_us_per_success(self) -> float | None:
        return self._ticks_per_success(self.machine_ticks)


def read_steps(path: pathlib.Path) -> list[Step]:
    """The rows of a TSV that scripts/bench wrote; a missing or extra column is an error."""
    return read_rows(path, COLUMNS, lambda row: Step(
        mode=row["mode"],
        connections=int(row["connections"]),
        rep=int(row["rep"]),
        seconds=float(row["seconds"]),
        **{name: int(row[name]) for name in COLUMNS[4:]},
    ))


@dataclasses.dataclass(frozen=True)
class Point:
    """Every repetition of one mode at one connection count: medians of the rates and latencies,
    totals of the errors, and the peak RSS of the first run. (The allocator keeps what it freed,
    so in a later run even the smallest step starts at the size the largest one reached; in the
    first run the steps come smallest first, and each peak is its own.)"""
    mode: str
    connections: int
    reps: int
    goodput: float
    refusals_per_second: float
    status_503: int
    socket_errors: int
    timeouts: int
    p50_us: float
    p99_us: float
    rss_peak_kb: int
    cpu_us_per_success: float | None
    db_us_per_success: float | None
    wrk_us_per_success: float | None
    machine_us_per_success: float | None
    in_flight_by_wrk: float
    inconsistent_runs: int       # runs whose wrk latencies break Little's law


def _median_of(runs: list[Step], name: str) -> float | None:
    values = [value for value in (getattr(run, name) for run in runs) if value is not None]
    return statistics.median(values) if values else None


def points(steps: list[Step]) -> list[Point]:
    """One point per (mode, connections), async first, then by connections."""
    found = []
    for mode in modes_of(steps):
        for connections in sorted({s.connections for s in steps if s.mode == mode}):
            runs = [s for s in steps if s.mode == mode and s.connections == connections]
            found.append(Point(
                mode=mode, connections=connections, reps=len(runs),
                goodput=statistics.median(s.goodput for s in runs),
                refusals_per_second=statistics.median(s.refusals_per_second for s in runs),
                status_503=sum(s.status_503 for s in runs),
                socket_errors=sum(s.socket_errors for s in runs),
                timeouts=sum(s.timeouts for s in runs),
                p50_us=statistics.median(s.p50_us for s in runs),
                p99_us=statistics.median(s.p99_us for s in runs),
                rss_peak_kb=min(runs, key=lambda s: s.rep).rss_peak_kb,
                cpu_us_per_success=_median_of(runs, "cpu_us_per_success"),
                db_us_per_success=_median_of(runs, "db_us_per_success"),
                wrk_us_per_success=_median_of(runs, "wrk_us_per_success"),
                machine_us_per_success=_median_of(runs, "machine_us_per_success"),
                in_flight_by_wrk=statistics.median(s.in_flight_by_wrk for s in runs),
                inconsistent_runs=sum(not s.latencies_consistent for s in runs),
            ))
    return found


def modes_of(steps: list[Step]) -> list[str]:
    return sorted({step.mode for step in steps}, key=lambda mode: (mode != "async", mode))


def find(found: list[Point], mode: str, connections: int) -> Point | None:
    return next((point for point in found if point.mode == mode and point.connections == connections), None)


# Who spends the CPU per answer, in the order the report names them.
CPU_PARTS = (("service", "cpu_us_per_success"), ("PostgreSQL", "db_us_per_success"),
             ("wrk", "wrk_us_per_success"), ("machine", "machine_us_per_success"))


def cpu_growth(reference: Point, step: Point) -> str:
    """How each party's CPU per 2xx changed from the reference step: with the service, PostgreSQL
    and wrk on the same cores, goodput is the machine's CPU over the machine's cost per answer, so
    this says whose cost a shortfall comes from."""
    parts = []
    for label, name in CPU_PARTS:
        before, after = getattr(reference, name), getattr(step, name)
        if before is not None and after is not None:
            parts.append(f"{label} {before:,.1f} → {after:,.1f}")
    if not parts:
        return ""
    allowed = ""
    if reference.machine_us_per_success and step.machine_us_per_success:
        # Goodput is at most the CPUs over this cost. With every CPU busy in both steps the share
        # it allows is the goodput share; where the goodput share is lower, the step left CPUs
        # idle, and the shortfall is waiting, not cost.
        allowed = (f" (the machine's cost per answer allows "
                   f"{reference.machine_us_per_success / step.machine_us_per_success:.0%})")
    return f"; CPU µs per 2xx: {', '.join(parts)}{allowed}"


@dataclasses.dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool


def paired_shares(steps: list[Step], connections: int) -> list[float]:
    """Per repetition, async goodput at `connections` over the same repetition's goodput at 64, in
    the order of the repetitions. Shown beside the verdict (which is on the medians) because on a
    shared machine the host's share of the CPUs drifts within minutes: how far these spread says
    how much of a verdict is the machine's noise."""
    def goodput(rep: int, count: int) -> float | None:
        return next((s.goodput for s in steps if s.mode == "async" and s.connections == count and s.rep == rep), None)

    shares = []
    for rep in sorted({s.rep for s in steps}):
        reference, step = goodput(rep, REFERENCE_CONNECTIONS), goodput(rep, connections)
        if reference and step is not None:
            shares.append(step / reference)
    return shares


def verdicts(steps: list[Step], read_timeout_ms: float) -> list[Verdict]:
    """Issue #19's targets, each as measured in this run (a target whose steps did not run is
    absent), on the medians over the repetitions."""
    found = []
    measured = points(steps)
    reference = find(measured, "async", REFERENCE_CONNECTIONS)
    for connections in TARGET_CONNECTIONS:
        step = find(measured, "async", connections)
        if step is None:
            continue
        if reference is not None and reference.goodput > 0:
            share = step.goodput / reference.goodput
            paired = paired_shares(steps, connections)
            each = ""
            if len(paired) > 1:
                each = f"; each run against its own {REFERENCE_CONNECTIONS}: {', '.join(f'{ratio:.0%}' for ratio in paired)}"
            found.append(Verdict(
                f"async, {connections:,} connections: 2xx/s ≥ {GOODPUT_SHARE_TARGET:.0%} of {REFERENCE_CONNECTIONS}",
                f"{step.goodput:,.0f} of {reference.goodput:,.0f} ({share:.0%}){each}{cpu_growth(reference, step)}",
                share >= GOODPUT_SHARE_TARGET))
        found.append(Verdict(
            f"async, {connections:,} connections: p99 below the read timeout ({read_timeout_ms:,.0f} ms)",
            f"{step.p99_us / 1000:,.1f} ms", step.p99_us / 1000 < read_timeout_ms))
        found.append(Verdict(
            f"async, {connections:,} connections: no socket timeouts",
            f"{step.timeouts} timeouts, {step.socket_errors} socket errors", step.timeouts == 0))
    largest = max((point.connections for point in measured), default=0)
    for step in measured:
        if step.connections == largest:
            found.append(Verdict(
                f"{step.mode}, {largest:,} connections: RSS ≤ {RSS_TARGET_KB // 1024} MB",
                f"{step.rss_peak_kb / 1024:,.1f} MB", step.rss_peak_kb <= RSS_TARGET_KB))
    return found


def markdown(steps: list[Step], *, title: str, setup: str, commands: list[str], plot_name: str,
             read_timeout_ms: float) -> str:
    lines = [f"# {title}", "", setup, ""]
    lines += [
        "| Mode | Connections | 2xx/s | non-2xx/s | 503s (service) | Socket errors | Timeouts "
        "| p50 ms | p99 ms | Peak RSS MB | CPU µs per 2xx: service | PostgreSQL | wrk | machine "
        "| In flight by wrk's mean | Runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    found = points(steps)
    for point in found:
        cpu = " | ".join("n/a" if value is None else f"{value:,.1f}"
                         for value in (getattr(point, name) for _, name in CPU_PARTS))
        lines.append(
            f"| {point.mode} | {point.connections:,} | {point.goodput:,.0f} | {point.refusals_per_second:,.0f} "
            f"| {point.status_503:,} | {point.socket_errors:,} | {point.timeouts:,} | {point.p50_us / 1000:,.2f} "
            f"| {point.p99_us / 1000:,.2f} | {point.rss_peak_kb / 1024:,.1f} | {cpu} "
            f"| {point.in_flight_by_wrk:,.0f}{' **(> connections)**' if point.inconsistent_runs else ''} "
            f"| {point.reps} |")
    broken = [point for point in found if point.inconsistent_runs]
    lines += [
        "",
        "With several runs: medians of the rates, latencies and CPU, totals of the 503s, errors and "
        "timeouts; the peak RSS of the first run, whose steps come smallest first (the allocator keeps "
        "what it freed, so later runs start at the largest step's size). Latencies are wrk's over every answer: where non-2xx/s is 0 they "
        "are the 2xx answers' own. Peak RSS is the service's VmHWM during the step. CPU is user + system "
        "time over the 2xx answers: the service's; PostgreSQL's (every process of the cluster); wrk's; and "
        "the machine's (every CPU's busy time, which also holds the kernel's work for all three). "
        "In flight by wrk's mean is answers/s × wrk's mean latency (Little's law): it cannot exceed the "
        "connections, each of which holds one request at a time.",
        "",
        *([("**wrk's latencies are not to be trusted at "
            + ", ".join(f"{p.mode} {p.connections:,} ({p.inconsistent_runs} of {p.reps} runs)" for p in broken)
            + f"**: there its mean latency implies more requests in flight than it has connections (by more "
            f"than {LITTLES_LAW_SLACK - 1:.0%}), so it records something other than its requests' latency, "
            "and the p50/p99 above and the p99 targets below do not measure the service."), ""]
          if broken else []),
        f"![2xx/s and p99 against connections]({plot_name})",
        "",
        "## Targets (issue #19)",
        "",
        "| Target | Measured | Met |",
        "|---|---|---|",
    ]
    for verdict in verdicts(steps, read_timeout_ms):
        lines.append(f"| {verdict.target} | {verdict.measured} | {'yes' if verdict.met else '**no**'} |")
    lines += ["", "## Commands", "", "```sh", *commands, "```", ""]
    return "\n".join(lines)


def plot(steps: list[Step], path: pathlib.Path, *, title: str) -> None:
    plt = pyplot()
    figure, (goodput_axes, latency_axes) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"async": ("tab:blue", "o"), "sync": ("tab:orange", "s")}
    measured = points(steps)
    for mode in modes_of(steps):
        ordered = [p for p in measured if p.mode == mode]
        color, marker = styles.get(mode, ("tab:gray", "^"))
        x = [p.connections for p in ordered]
        goodput_axes.plot(x, [p.goodput for p in ordered], marker=marker, color=color, label=f"{mode}: 2xx/s")
        goodput_axes.plot(x, [p.refusals_per_second for p in ordered], marker=marker, color=color,
                          linestyle=":", label=f"{mode}: non-2xx/s")
        latency_axes.plot(x, [p.p99_us / 1000 for p in ordered], marker=marker, color=color, label=f"{mode}: p99")
    reference = find(measured, "async", REFERENCE_CONNECTIONS)
    if reference is not None:
        goodput_axes.axhline(reference.goodput * GOODPUT_SHARE_TARGET, color="tab:blue", linewidth=0.8,
                             linestyle="--",
                             label=f"target: {GOODPUT_SHARE_TARGET:.0%} of async at {REFERENCE_CONNECTIONS}")
    for axes in (goodput_axes, latency_axes):
        axes.set_xscale("log")
        axes.set_xlabel("concurrent connections (wrk -c, log scale)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize="small")
    goodput_axes.set_ylabel("answers per second")
    goodput_axes.set_ylim(bottom=0)
    goodput_axes.set_title("goodput: 2xx answers per second (median of the runs)")
    latency_axes.set_ylabel("p99 latency (ms)")
    latency_axes.set_ylim(bottom=0)
    latency_axes.set_title("p99 of the answers (median of the runs)")
    figure.suptitle(title)
    save(figure, path)


def main(argv: list[str] | None = None) -> int:
    parser = report_parser(__doc__, "NAME.md and NAME-goodput.png")
    parser.add_argument("tsv", type=pathlib.Path, help="the steps, as scripts/bench --overload writes them")
    parser.add_argument("--setup", required=True, help="one paragraph: machine, service flags, dataset")
    parser.add_argument("--command", action="append", default=[], help="a command that made the numbers")
    parser.add_argument("--read-timeout-ms", type=float, default=10_000)
    args = parser.parse_args(argv)
    try:
        steps = read_nonempty(read_steps, args.tsv, "steps")
    except (OSError, ValueError) as error:
        return bad_input("overload report", str(error))
    title = f"Overload: {args.name}"
    plot_name = f"{args.name}-goodput.png"
    plot(steps, args.out_dir / plot_name, title=title)
    report = markdown(steps, title=title, setup=args.setup, commands=args.command, plot_name=plot_name,
                      read_timeout_ms=args.read_timeout_ms)
    write_report(args.out_dir, args.name, report, "| Mode")
    return 0


if __name__ == "__main__":
    sys.exit(main())
