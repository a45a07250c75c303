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
    "clk_tck",         # ticks per second
)

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
    clk_tck: int

    @property
    def cpu_us_per_success(self) -> float | None:
        if self.successes == 0 or self.clk_tck == 0:
            return None
        return self.cpu_ticks * 1e6 / self.clk_tck / self.successes


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


def points(steps: list[Step]) -> list[Point]:
    """One point per (mode, connections), async first, then by connections."""
    found = []
    for mode in modes_of(steps):
        for connections in sorted({s.connections for s in steps if s.mode == mode}):
            runs = [s for s in steps if s.mode == mode and s.connections == connections]
            cpu = [s.cpu_us_per_success for s in runs if s.cpu_us_per_success is not None]
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
                cpu_us_per_success=statistics.median(cpu) if cpu else None,
            ))
    return found


def modes_of(steps: list[Step]) -> list[str]:
    return sorted({step.mode for step in steps}, key=lambda mode: (mode != "async", mode))


def find(found: list[Point], mode: str, connections: int) -> Point | None:
    return next((point for point in found if point.mode == mode and point.connections == connections), None)


@dataclasses.dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool


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
            found.append(Verdict(
                f"async, {connections:,} connections: 2xx/s ≥ {GOODPUT_SHARE_TARGET:.0%} of {REFERENCE_CONNECTIONS}",
                f"{step.goodput:,.0f} of {reference.goodput:,.0f} ({share:.0%})",
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
        "| p50 ms | p99 ms | Peak RSS MB | CPU µs per 2xx | Runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points(steps):
        cpu = point.cpu_us_per_success
        lines.append(
            f"| {point.mode} | {point.connections:,} | {point.goodput:,.0f} | {point.refusals_per_second:,.0f} "
            f"| {point.status_503:,} | {point.socket_errors:,} | {point.timeouts:,} | {point.p50_us / 1000:,.2f} "
            f"| {point.p99_us / 1000:,.2f} | {point.rss_peak_kb / 1024:,.1f} "
            f"| {'n/a' if cpu is None else f'{cpu:,.1f}'} | {point.reps} |")
    lines += [
        "",
        "With several runs: medians of the rates, latencies and CPU, totals of the 503s, errors and "
        "timeouts; the peak RSS of the first run, whose steps come smallest first (the allocator keeps "
        "what it freed, so later runs start at the largest step's size). Latencies are wrk's over every answer: where non-2xx/s is 0 they "
        "are the 2xx answers' own. Peak RSS is the service's VmHWM during the step; CPU is the service's "
        "user + system time over the 2xx answers.",
        "",
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
