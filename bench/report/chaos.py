#!/usr/bin/env python3
"""The report of `scripts/chaos`: what the clients saw while PostgreSQL broke, and what was lost.

scripts/chaos runs each scenario (a mode and a fault) under wrk with scripts/lib/chaos.lua and
leaves one directory per scenario:

  scenario.tsv   key<TAB>value lines: mode, scenario, fault (what was done), back_ms (when the
                 fault ended: restart done, last termination sent; ms of CLOCK_REALTIME)
  wrk.txt        wrk's output, with chaos.lua's "chaos: ..." summary lines
  events-N.txt   per wrk thread: "T fail STATUS" when its answers start failing, "T ok LAST" when
                 they succeed again (LAST: its last failed answer)
  acked-N.txt    per wrk thread: the names of the writes answered 201
  stored.txt     the names of this scenario's users found in the database afterwards

This module turns them into the Markdown table and the verdict (exit 1 on a lost acknowledged
write, an answer other than 2xx/503, or a slow recovery). The failover scenario's directories
(scenario.tsv: `scenario failover`) hold other files and are analysed by failover.py; their table
follows. Tested in tests/tooling/test_chaos_report.py.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import pathlib
import re
import sys

import failover

HEADER = (
    "| mode | scenario | fault | answers | 2xx | 503 | other | socket errors c/r/w/t | failure windows "
    "| PostgreSQL back → all succeed | p99 / max ms | writes acked | acked, lost | 503, stored "
    "| in flight at end, stored |"
)
FOOTER = (
    "Answers are what wrk received; \"other\" lists statuses besides 2xx and 503 (none is expected); "
    "socket errors are wrk's connect/read/write/timeout (3 s) counts. A failure window is a period in "
    "which some client got failing answers, from its first failure to the first success after; "
    "\"PostgreSQL back → all succeed\" runs from the end of the fault (restart done, last termination "
    "sent) to the end of the last window. Writes: \"acked, lost\" must be 0; \"503, stored\" were "
    "answered 503 because their connection died after PostgreSQL had committed them (their outcome "
    "cannot be known); \"in flight at end, stored\" were sent before wrk stopped and never answered."
)


@dataclasses.dataclass(frozen=True)
class Event:
    at_ms: int
    thread: int
    failing: bool          # "fail": answers start failing; "ok": they succeed again
    last_failure_ms: int   # for "fail" its own time, for "ok" the last failed answer


@dataclasses.dataclass(frozen=True)
class Windows:
    count: int
    longest_ms: int
    last_end_ms: int | None   # None: no window ended
    still_failing: bool       # some thread ended failing


def read_events(directory: pathlib.Path) -> list[Event]:
    events = []
    for path in sorted(directory.glob("events-*.txt")):
        thread = int(path.stem.split("-", 1)[1])
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            fields = line.split()
            if len(fields) != 3 or fields[1] not in ("fail", "ok"):
                raise ValueError(f"{path}:{line_number}: expected 'T fail STATUS' or 'T ok LAST', got {line!r}")
            at = int(fields[0])
            failing = fields[1] == "fail"
            events.append(Event(at, thread, failing, at if failing else int(fields[2])))
    return events


def failure_windows(events: list[Event]) -> Windows:
    """The periods in which at least one thread's answers were failing."""
    failing: dict[int, bool] = {}
    active = 0
    start = 0
    count = longest = 0
    last_end = None
    for event in sorted(events, key=lambda e: e.at_ms):
        if event.failing and not failing.get(event.thread):
            failing[event.thread] = True
            if active == 0:
                start = event.at_ms
            active += 1
        elif not event.failing and failing.get(event.thread):
            failing[event.thread] = False
            active -= 1
            if active == 0:
                count += 1
                longest = max(longest, event.at_ms - start)
                last_end = event.at_ms
    return Windows(count, longest, last_end, active > 0)


def classify_unacknowledged(names: list[str], events: list[Event]) -> tuple[int, int]:
    """Stored writes never acknowledged, as (answered with a failure, still in flight at the end).

    A name is PREFIX-THREAD-COUNTER-SENT. A write sent after its thread's last failed answer was
    never answered (wrk stopped first); one sent before it was answered with a failure: its
    connection died after PostgreSQL had committed it.
    """
    last_failure: dict[int, int] = {}
    for event in events:
        last_failure[event.thread] = max(last_failure.get(event.thread, 0), event.last_failure_ms)
    failed = in_flight = 0
    for name in names:
        fields = name.split("-")
        thread, sent = int(fields[-3]), int(fields[-1])
        if sent > last_failure.get(thread, 0):
            in_flight += 1
        else:
            failed += 1
    return failed, in_flight


@dataclasses.dataclass(frozen=True)
class WrkSummary:
    answers: int
    statuses: dict[str, int]
    socket_errors: str   # "c/r/w/t"
    latency: str         # "p99 / max" in ms


def read_wrk_summary(text: str) -> WrkSummary:
    answers = None
    statuses: dict[str, int] = {}
    socket_errors = latency = ""
    for line in text.splitlines():
        if m := re.fullmatch(r"chaos: requests (\d+)", line):
            answers = int(m[1])
        elif m := re.fullmatch(r"chaos: status (\S+) (\d+)", line):
            statuses[m[1]] = statuses.get(m[1], 0) + int(m[2])
        elif m := re.fullmatch(r"chaos: socket_errors connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+)", line):
            socket_errors = "/".join(m.groups())
        elif m := re.fullmatch(r"chaos: latency_ms p50=[0-9.]+ p99=([0-9.]+) max=([0-9.]+)", line):
            latency = f"{m[1]} / {m[2]}"
    if answers is None:
        raise ValueError("wrk's output has no 'chaos: requests' line (did chaos.lua run?)")
    return WrkSummary(answers, statuses, socket_errors, latency)


@dataclasses.dataclass(frozen=True)
class Scenario:
    mode: str
    scenario: str
    fault: str
    row: str             # the Markdown row
    problems: list[str]


def _lines(path: pathlib.Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line] if path.exists() else []


def analyse(directory: pathlib.Path, recovery_bound_ms: int) -> Scenario:
    meta = dict(line.split("\t", 1) for line in _lines(directory / "scenario.tsv"))
    missing = {"mode", "scenario", "fault", "back_ms"} - meta.keys()
    if missing:
        raise ValueError(f"{directory}/scenario.tsv lacks {', '.join(sorted(missing))}")
    back_ms = int(meta["back_ms"])
    wrk = read_wrk_summary((directory / "wrk.txt").read_text(encoding="utf-8"))
    ok = sum(count for status, count in wrk.statuses.items() if status in ("200", "201"))
    unavailable = wrk.statuses.get("503", 0)
    other = [f"{count}×{status}" for status, count in sorted(wrk.statuses.items())
             if status not in ("200", "201", "503")]

    events = read_events(directory)
    windows = failure_windows(events)
    if windows.still_failing:
        outage, after_back = "not over when wrk stopped", "never"
    elif windows.count == 0:
        outage, after_back = "none", "-"
    else:
        outage = f"{windows.count}, longest {windows.longest_ms} ms"
        after_back = f"{max(windows.last_end_ms - back_ms, 0)} ms"

    acked = set()
    for path in sorted(directory.glob("acked-*.txt")):
        acked.update(_lines(path))
    stored = _lines(directory / "stored.txt")
    stored_set = set(stored)
    lost = len(acked - stored_set)
    duplicates = sum(1 for count in collections.Counter(stored).values() if count > 1)
    if duplicates:
        other.append(f"{duplicates} writes stored twice")
    failed_but_stored, in_flight = classify_unacknowledged(sorted(stored_set - acked), events)

    cells = [meta["mode"], meta["scenario"], meta["fault"], wrk.answers, ok, unavailable, ", ".join(other) or 0,
             wrk.socket_errors, outage, after_back, wrk.latency, len(acked), lost, failed_but_stored, in_flight]
    row = "| " + " | ".join(str(cell) for cell in cells) + " |"

    where = f"{meta['mode']}/{meta['scenario']}"
    problems = []
    if lost:
        problems.append(f"{where}: {lost} acknowledged writes lost")
    if other:
        problems.append(f"{where}: unexpected answers: {', '.join(other)}")
    if after_back == "never":
        problems.append(f"{where}: still failing when wrk stopped")
    elif after_back != "-" and int(after_back.removesuffix(" ms")) > recovery_bound_ms:
        problems.append(f"{where}: every client succeeded only {after_back} after PostgreSQL was back "
                        f"(bound: {recovery_bound_ms} ms)")
    return Scenario(meta["mode"], meta["scenario"], meta["fault"], row, problems)


def report(name: str, setup: str, reproduce: str, scenarios: list[Scenario],
           failovers: list[failover.Failover] = ()) -> str:
    lines = [f"# Chaos run {name}", "", setup, ""]
    if scenarios:
        lines += [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
        lines += [scenario.row for scenario in scenarios]
        lines += ["", FOOTER, ""]
    if failovers:
        lines += ["## Failover", ""] + failover.table(list(failovers)) + [""]
    lines += [f"Reproduce: {reproduce}", ""]
    return "\n".join(lines)


def scenario_kind(directory: pathlib.Path) -> str:
    for line in _lines(directory / "scenario.tsv"):
        key, _, value = line.partition("\t")
        if key == "scenario":
            return value
    raise ValueError(f"{directory}/scenario.tsv names no scenario")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="+", type=pathlib.Path, help="the scenarios' directories, in order")
    parser.add_argument("--name", required=True)
    parser.add_argument("--setup", required=True, help="one paragraph: host, PostgreSQL, wrk, service")
    parser.add_argument("--reproduce", required=True, help="the command line that made the run")
    parser.add_argument("--recovery-bound-ms", type=int, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True, help="where the Markdown goes")
    args = parser.parse_args(argv)
    try:
        kinds = [(directory, scenario_kind(directory)) for directory in args.scenarios]
        scenarios = [analyse(directory, args.recovery_bound_ms) for directory, kind in kinds if kind != "failover"]
        failovers = [failover.analyse(directory) for directory, kind in kinds if kind == "failover"]
    except (OSError, ValueError) as error:
        print(f"chaos report: {error}", file=sys.stderr)
        return 2
    text = report(args.name, args.setup, args.reproduce, scenarios, failovers)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    problems = [problem for scenario in scenarios + failovers for problem in scenario.problems]
    for problem in problems:
        print(f"chaos: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
