#!/usr/bin/env python3
"""The failover scenario of `scripts/chaos`: a Patroni primary killed under load, measured.

scripts/chaos --scenarios failover leaves one directory per mode; bench/report/chaos.py hands
those whose scenario.tsv says `scenario failover` to analyse() here. A directory holds:

  scenario.tsv       key<TAB>value: mode, scenario, fault, kill_ms (when the postmaster got
                     SIGKILL; ms of CLOCK_REALTIME), old_primary, new_primary (node names),
                     new_primary_in_recovery ('f': stored.txt comes from a primary)
  requests-N.txt     per wrk thread (one connection each), scripts/lib/failover.lua's log: "S SENT w
                     NAME" or "S SENT r" per request, "A ANSWERED STATUS" per answer
  wrk.txt            wrk's output with the "chaos: ..." summary lines
  stored.txt         the names of the scenario's users found on the new primary afterwards
  new-primary-postgresql.log  the new primary's PostgreSQL log (log_line_prefix '%m [%p] ...',
                     log_timezone UTC): 'received promote request', then 'database system is
                     ready to accept connections' when it takes writes
  haproxy.log        HAProxy's notices: when the new primary's server came UP on pg_primary
  metrics.txt        "LABEL MS APP METRIC VALUE" lines, the instances' db_reads_total{pool} at
                     start, kill, promoted (when Patroni's REST API first said so) and end

The promotion is the moment the new primary's PostgreSQL says it accepts connections after its
promote request: from then on a write can commit there. It is exact to the millisecond and
measured by the server itself; Patroni's REST API says 'primary' a little before (it holds the
leader key before PostgreSQL has finished promoting), a poller would add its own interval.
Tested in tests/tooling/test_failover_report.py.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import pathlib
import re

# The targets of issue #15.
WRITE_RECOVERY_BOUND_MS = 1000     # every write succeeds again within this of the promotion
READ_AVAILABILITY_MIN = 0.99       # of the reads during the switch, answered 2xx
HANG_BOUND_MS = 10_000             # the service's --read-timeout-ms: no request waits longer

HEADER = (
    "| mode | kill → promote request | kill → promoted | promoted → primary port UP "
    "| promoted → first write | promoted → steady writes | writes after the kill: 201 / failed "
    "| reads 2xx, kill → writes steady | reads 2xx, kill → end | reads kill → promoted: replica / primary "
    "| socket errors c/r/w/t (unanswered) | slowest answer | writes acked | acked, lost "
    "| failed, stored | in flight at end, stored |"
)
FOOTER = (
    "Times are from the kill (SIGKILL of the leader's postmaster) and from the promotion: the new "
    "primary's PostgreSQL logging that it accepts connections after its promote request. \"kill → "
    "promote request\" is Patroni noticing the crash and handing over the leader key; \"primary port "
    "UP\" is HAProxy's check marking the new primary up (negative: before PostgreSQL finished, Patroni "
    "answers /primary as soon as it holds the key). \"first write\" is the first 201 answered after "
    "the promotion; \"steady writes\" the end of the last failed write (an answer other than 201, or a "
    "connection that failed), after which every write succeeded. \"writes steady\" is that moment. "
    "Reads are GET /coffee/ID; which pool served them comes from the instances' db_reads_total. "
    "Socket errors are wrk's connect/read/write/timeout (10 s) counts and, in brackets, the requests "
    "whose connection failed before an answer. \"slowest answer\" includes requests still unanswered "
    "when wrk stopped. Writes: \"acked, lost\" (201 but missing on the new primary) must be 0; "
    "\"failed, stored\" were answered 503 or lost their connection after committing; \"in flight "
    "at end, stored\" were sent before wrk stopped and never answered. Targets: 0 lost; steady writes "
    f"≤ {WRITE_RECOVERY_BOUND_MS} ms after the promotion; ≥ {READ_AVAILABILITY_MIN:.0%} of reads 2xx "
    f"during the switch and to the end; no answer slower than {HANG_BOUND_MS // 1000} s (the "
    "service's read timeout)."
)


@dataclasses.dataclass(frozen=True)
class Request:
    thread: int
    kind: str                  # "w" POST /users, "r" GET /coffee/ID
    sent_ms: int
    status: int | None         # None: never answered
    ended_ms: int | None       # the answer, or the next request on the thread (its connection
                               # failed and wrk reconnected); None: in flight when wrk stopped
    name: str | None           # a write's user name

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def failed(self) -> bool:
        """Answered with a failure, or its connection failed; not a request cut off by the end."""
        return self.ended_ms is not None and self.status not in (200, 201)


def read_requests(path: pathlib.Path) -> list[Request]:
    thread = int(path.stem.split("-", 1)[1])
    requests: list[Request] = []
    pending: tuple[int, str, str | None] | None = None
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split()
        where = f"{path}:{line_number}"
        if len(fields) in (3, 4) and fields[0] == "S" and fields[2] in ("w", "r"):
            sent = int(fields[1])
            if (fields[2] == "w") != (len(fields) == 4):
                raise ValueError(f"{where}: a write has a name, a read none: {line!r}")
            if pending is not None:
                requests.append(Request(thread, pending[1], pending[0], None, sent, pending[2]))
            pending = (sent, fields[2], fields[3] if len(fields) == 4 else None)
        elif len(fields) == 3 and fields[0] == "A":
            if pending is None:
                raise ValueError(f"{where}: an answer without a request")
            requests.append(Request(thread, pending[1], pending[0], int(fields[2]), int(fields[1]), pending[2]))
            pending = None
        else:
            raise ValueError(f"{where}: expected 'S SENT w NAME', 'S SENT r' or 'A ANSWERED STATUS', got {line!r}")
    if pending is not None:
        requests.append(Request(thread, pending[1], pending[0], None, None, pending[2]))
    return requests


_PG_LINE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\S+) \[\d+\] .*?LOG:  (.*)")


def _epoch_ms(moment: datetime.datetime) -> int:
    return round(moment.timestamp() * 1000)


def promotion_times(log: str, after_ms: int) -> tuple[int | None, int | None]:
    """(promote requested, promoted): the first promote request after after_ms, and the first
    'ready to accept connections' after it; None for what the log does not have."""
    requested = promoted = None
    for line in log.splitlines():
        if not (m := _PG_LINE.fullmatch(line)):
            continue
        if m[2] not in ("UTC", "GMT"):
            raise ValueError(f"PostgreSQL log time zone {m[2]!r}: expected log_timezone = 'UTC'")
        at = _epoch_ms(datetime.datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S.%f")
                       .replace(tzinfo=datetime.timezone.utc))
        if at < after_ms:
            continue
        if requested is None and m[3] == "received promote request":
            requested = at
        elif requested is not None and m[3] == "database system is ready to accept connections":
            promoted = at
            break
    return requested, promoted


def server_up_time(log: str, proxy_server: str, after_ms: int) -> int | None:
    """When HAProxy first marked PROXY/SERVER up after after_ms (its ISO-timestamped notices)."""
    pattern = re.compile(r"(\d{4}-\d\d-\d\dT\S+) Server " + re.escape(proxy_server) + r" is UP\b.*")
    for line in log.splitlines():
        if m := pattern.fullmatch(line):
            at = _epoch_ms(datetime.datetime.fromisoformat(m[1]))
            if at >= after_ms:
                return at
    return None


def read_metrics(text: str) -> dict[str, dict[str, float]]:
    """Per snapshot label, each metric summed over the instances."""
    snapshots: dict[str, dict[str, float]] = collections.defaultdict(lambda: collections.defaultdict(float))
    for line_number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if len(fields) != 5:
            raise ValueError(f"metrics.txt:{line_number}: expected 'LABEL MS APP METRIC VALUE', got {line!r}")
        snapshots[fields[0]][fields[3]] += float(fields[4])
    return snapshots


def read_wrk(text: str) -> tuple[str, int]:
    """(socket errors "c/r/w/t", when wrk stopped)."""
    errors = stopped = None
    for line in text.splitlines():
        if m := re.fullmatch(r"chaos: socket_errors connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+)", line):
            errors = "/".join(m.groups())
        elif m := re.fullmatch(r"chaos: stopped_ms (\d+)", line):
            stopped = int(m[1])
    if errors is None or stopped is None:
        raise ValueError("wrk's output lacks the 'chaos:' summary (did failover.lua run?)")
    return errors, stopped


@dataclasses.dataclass(frozen=True)
class Failover:
    mode: str
    row: str
    problems: list[str]


def _lines(path: pathlib.Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line] if path.exists() else []


def _ms(value: int | None) -> str:
    return "never" if value is None else f"{value} ms"


def _share(ok: int, total: int) -> tuple[str, float]:
    if total == 0:
        return "none sent", 1.0
    return f"{ok / total:.2%} of {total}", ok / total


def analyse(directory: pathlib.Path) -> Failover:
    meta = dict(line.split("\t", 1) for line in _lines(directory / "scenario.tsv"))
    missing = {"mode", "scenario", "fault", "kill_ms", "new_primary", "new_primary_in_recovery"} - meta.keys()
    if missing:
        raise ValueError(f"{directory}/scenario.tsv lacks {', '.join(sorted(missing))}")
    mode, kill = meta["mode"], int(meta["kill_ms"])
    paths = sorted(directory.glob("requests-*.txt"))
    if not paths:
        raise ValueError(f"{directory} has no requests-N.txt")
    requests = [request for path in paths for request in read_requests(path)]
    socket_errors, stopped = read_wrk((directory / "wrk.txt").read_text(encoding="utf-8"))
    requested, promoted = promotion_times(
        (directory / "new-primary-postgresql.log").read_text(encoding="utf-8"), kill)
    port_up = server_up_time((directory / "haproxy.log").read_text(encoding="utf-8"),
                             f"pg_primary/{meta['new_primary']}", kill)
    metrics = read_metrics((directory / "metrics.txt").read_text(encoding="utf-8"))

    writes = [r for r in requests if r.kind == "w"]
    reads = [r for r in requests if r.kind == "r"]
    first_write = min((r.ended_ms for r in writes if r.status == 201 and promoted is not None
                       and r.ended_ms >= promoted), default=None)
    failed_writes = [r for r in writes if r.failed and r.ended_ms >= kill]
    steady = first_write
    if first_write is not None and failed_writes:
        steady = max(first_write, max(r.ended_ms for r in failed_writes))

    switch_end = steady if steady is not None else stopped
    reads_switch = [r for r in reads if kill <= r.sent_ms <= switch_end and r.ended_ms is not None]
    reads_after = [r for r in reads if r.sent_ms >= kill and r.ended_ms is not None]
    switch_text, switch_share = _share(sum(1 for r in reads_switch if not r.failed), len(reads_switch))
    after_text, after_share = _share(sum(1 for r in reads_after if not r.failed), len(reads_after))

    def reads_by_pool(pool: str) -> str:
        key = f'db_reads_total{{pool="{pool}"}}'
        if key not in metrics.get("kill", {}) or key not in metrics.get("promoted", {}):
            return "?"
        return str(round(metrics["promoted"][key] - metrics["kill"][key]))

    slowest = max(((r.ended_ms if r.ended_ms is not None else stopped) - r.sent_ms for r in requests), default=0)
    unanswered = sum(1 for r in requests if r.ended_ms is not None and not r.answered)

    acked = {r.name for r in writes if r.status == 201}
    stored = _lines(directory / "stored.txt")
    stored_set = set(stored)
    lost = len(acked - stored_set)
    failed_stored = sum(1 for r in writes if r.failed and r.name in stored_set)
    in_flight_stored = sum(1 for r in writes if r.ended_ms is None and r.name in stored_set)
    duplicates = sum(1 for count in collections.Counter(stored).values() if count > 1)
    statuses = collections.Counter(r.status for r in requests if r.answered)
    other = [f"{count}×{status}" for status, count in sorted(statuses.items()) if status not in (200, 201, 503)]

    def since(moment: int | None, origin: int | None) -> str:
        return "never" if moment is None or origin is None else f"{moment - origin} ms"

    cells = [mode, since(requested, kill), since(promoted, kill), since(port_up, promoted),
             since(first_write, promoted), since(steady, promoted),
             f"{sum(1 for r in writes if r.status == 201 and r.sent_ms >= kill)} / {len(failed_writes)}",
             switch_text, after_text, f"{reads_by_pool('replica')} / {reads_by_pool('primary')}",
             f"{socket_errors} ({unanswered})", _ms(slowest), len(acked), lost, failed_stored, in_flight_stored]
    row = "| " + " | ".join(str(cell) for cell in cells) + " |"

    where = f"{mode}/failover"
    problems = []
    if meta["new_primary_in_recovery"] != "f":
        problems.append(f"{where}: {meta['new_primary']} is not a primary (pg_is_in_recovery: "
                        f"{meta['new_primary_in_recovery']}); the writes were not checked on a new primary")
    if lost:
        problems.append(f"{where}: {lost} acknowledged writes lost")
    if duplicates:
        problems.append(f"{where}: {duplicates} writes stored twice")
    if other:
        problems.append(f"{where}: unexpected answers: {', '.join(other)}")
    if promoted is None:
        problems.append(f"{where}: no promotion in {meta['new_primary']}'s PostgreSQL log after the kill")
    elif steady is None:
        problems.append(f"{where}: no write succeeded after the promotion")
    elif steady - promoted > WRITE_RECOVERY_BOUND_MS:
        problems.append(f"{where}: writes succeeded steadily only {steady - promoted} ms after the promotion "
                        f"(target: {WRITE_RECOVERY_BOUND_MS} ms)")
    for text, share, span in ((switch_text, switch_share, "during the switch"),
                              (after_text, after_share, "from the kill to the end")):
        if share < READ_AVAILABILITY_MIN:
            problems.append(f"{where}: reads {span}: {text} answered 2xx (target: {READ_AVAILABILITY_MIN:.0%})")
    if slowest >= HANG_BOUND_MS:
        problems.append(f"{where}: a request waited {slowest} ms (bound: {HANG_BOUND_MS} ms, the read timeout)")
    return Failover(mode, row, problems)


def table(scenarios: list[Failover]) -> list[str]:
    return [HEADER, "|" + "---|" * (HEADER.count(" | ") + 1)] + [s.row for s in scenarios] + ["", FOOTER]
