#!/usr/bin/env python3
"""The report of `scripts/bench --with-reference`: Flask/Gunicorn, coffeehouse sync and async on one
route, with Little's-law predictions beside the measurements.

scripts/bench runs wrk against each server at each connection count, and against async mode at each
pool size of the pool sweep, and writes one TSV row per run (see COLUMNS). This module predicts
every server's ceiling from its own measurements (below), sets each measurement beside its
prediction, and writes the Markdown report and the plots. Kept out of bash so that it can be tested
(tests/tooling/test_reference_report.py).

The model (issue #18). A server that works on K requests at once, each holding its place for W
seconds, serves at most K / W requests per second (Little's law: L = λ·W); if a request costs C
seconds of CPU on a machine with N CPUs, at most N / C. Those are the asymptotes,

    bounds = min(min(K, connections) / W, N / C)

with K = Gunicorn's workers for Flask, the io threads for sync mode, the pool size for async mode.
Where the two meet, requests that hold their place also queue for the CPUs, and the real curve
rounds the corner below both. The prediction is therefore the exact mean-value analysis of the
closed network that the bounds are the asymptotes of (Lazowska et al., Quantitative System
Performance, ch. 5-7): K requests circulate between a delay of W - C (the round trips, the time in
no CPU) and N CPUs that each request needs for C. At K <= N nothing queues and it is K / W.

W = 1 / (requests per second at one connection), where nothing queues. C = the CPU per request of
every process that serves it, since they share the CPUs: the server, PostgreSQL's processes, the
latency proxy and wrk. C depends on where the stack runs: it falls as more requests are at the CPUs
at once (wake-ups are shared by more of them), rises with the backends in use, and rises with the
latency itself (every backend and the proxy wake after a round trip's sleep instead of finding work
queued). So async mode's C is a curve of Q, the requests at the CPUs at once, C(Q) = F + O / Q
(each request's own work and its share of the wake-ups), through two points measured at the run's
own latency: C alone (Q = 1, the run at one connection) and a cost calibration's, async mode at
twice the most connections, where only the CPUs limit it. Since C rises with the backends in use,
there are two cost calibrations: with the sweep's largest pool, and with a pool halfway between its
two largest, so that the pools below the largest take C from about as many backends as they use
(none from its own measurement); a pool between two calibrated pools takes F and O interpolated
between theirs, a pool outside them the nearest's (CpuCost.along_pools). A prediction is the
operating point where C(Q) leaves exactly Q = K - X (W - C(Q)) requests at the CPUs
(operating_point). N is the CPUs the stack kept busy in the ceiling calibration, with twice the
largest pool, so that the pool cannot be its limit.
Flask's and sync mode's C, which only shows their CPU bound (K <= N), is one value from their run
at the most connections. The machine's whole busy time is recorded as well, to show how much of
the CPUs other processes took.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
import statistics
import sys

from report_parts import bad_input, pyplot, read_nonempty, report_parser, save, write_report
from tsv_rows import WrkCounts, median_or_none, read_rows

COLUMNS = (
    "route",               # the route's short name (country, notes)
    "server",              # flask, sync or async
    "threads",             # flask: Gunicorn's sync workers (-w); sync, async: io threads
    "pool",                # sync, async: --pool-size; flask: 0 (SQLAlchemy's pool, one connection per worker)
    "connections",         # wrk connections
    "rep",                 # repetition, from 1
    "calibration",         # 0: measured; 1: a cost calibration (one per pool); 2: the ceiling (twice the largest)
    "seconds",             # wrk's measured duration
    "requests",            # answers wrk read, any status
    "non_2xx",             # of which not 2xx/3xx
    "socket_errors",       # wrk's connect + read + write errors
    "timeouts",            # wrk's requests unanswered within its --timeout
    "mean_us",             # wrk's latency: mean and percentiles
    "p50_us",
    "p99_us",
    "max_us",
    "server_cpu_ticks",    # the server's own user + system CPU (Gunicorn: master and workers)
    "db_cpu_ticks",        # PostgreSQL's: the postmaster, its children, the children it reaped
    "proxy_cpu_ticks",     # tools/latency_proxy's (0 without one)
    "wrk_cpu_ms",          # wrk's user + system CPU, in ms
    "machine_cpu_ticks",   # every CPU's busy time from /proc/stat (user, nice, system, irq, softirq)
    "wall_seconds",        # time between the CPU samples taken before and after the run
    "clk_tck",             # ticks per second
)

SERVERS = ("flask", "sync", "async")
COST, CEILING = 1, 2           # the calibration column: where C is measured, where N is
TARGET = 0.15              # issue #18: every prediction within 15 % of the measurement

ROUTE_LABELS = {
    "country": "GET /users?country=&limit=20",
    "notes": "GET /coffee/notes",
}


@dataclasses.dataclass(frozen=True)
class Run(WrkCounts):
    """One wrk run."""
    route: str
    server: str
    threads: int
    pool: int
    connections: int
    rep: int
    calibration: int
    socket_errors: int
    timeouts: int
    mean_us: float
    p50_us: float
    p99_us: float
    max_us: float
    server_cpu_ticks: int
    db_cpu_ticks: int
    proxy_cpu_ticks: int
    wrk_cpu_ms: int
    machine_cpu_ticks: int
    wall_seconds: float
    clk_tck: int

    @property
    def throughput(self) -> float:
        """2xx answers per second."""
        return self.goodput

    def _per_success_us(self, cpu_seconds: float) -> float | None:
        return None if self.successes == 0 else cpu_seconds * 1e6 / self.successes

    @property
    def stack_cpu_seconds(self) -> float:
        """What the server, PostgreSQL, the proxy and wrk used together."""
        ticks = self.server_cpu_ticks + self.db_cpu_ticks + self.proxy_cpu_ticks
        return (ticks / self.clk_tck if self.clk_tck else 0.0) + self.wrk_cpu_ms / 1000

    @property
    def server_cpu_us(self) -> float | None:
        """The server's own CPU per 2xx answer, in µs."""
        return self._per_success_us(self.server_cpu_ticks / self.clk_tck) if self.clk_tck else None

    @property
    def stack_cpu_us(self) -> float | None:
        """The CPU of every process serving the requests, per 2xx answer, in µs."""
        return self._per_success_us(self.stack_cpu_seconds) if self.clk_tck else None

    @property
    def stack_cpus(self) -> float | None:
        """How many CPUs' worth the stack kept busy: 2xx/s × its CPU per answer."""
        return _busy_cpus(self.throughput, self.stack_cpu_us)

    @property
    def others_cpus(self) -> float | None:
        """How many CPUs' worth other processes used meanwhile (the machine's busy time less the
        stack's, over the run): what a compiler running beside the benchmark takes from it."""
        if self.clk_tck == 0 or self.wall_seconds <= 0:
            return None
        return max(0.0, self.machine_cpu_ticks / self.clk_tck - self.stack_cpu_seconds) / self.wall_seconds


_INTEGER_COLUMNS = ("threads", "pool", "connections", "rep", "calibration", "requests", "non_2xx", "socket_errors", "timeouts",
                    "server_cpu_ticks", "db_cpu_ticks", "proxy_cpu_ticks", "wrk_cpu_ms", "machine_cpu_ticks", "clk_tck")
_FLOAT_COLUMNS = ("seconds", "mean_us", "p50_us", "p99_us", "max_us", "wall_seconds")


def _run(row: dict[str, str]) -> Run:
    if row["server"] not in SERVERS:
        raise ValueError(f"unknown server {row['server']!r}")
    return Run(route=row["route"], server=row["server"],
               **{name: int(row[name]) for name in _INTEGER_COLUMNS},
               **{name: float(row[name]) for name in _FLOAT_COLUMNS})


def read_runs(path: pathlib.Path) -> list[Run]:
    """The rows of a TSV that scripts/bench wrote; a missing or extra column is an error."""
    return read_rows(path, COLUMNS, _run)


@dataclasses.dataclass(frozen=True, order=True)
class Config:
    """A server as it was started."""
    server: str
    threads: int
    pool: int

    @property
    def concurrency(self) -> int:
        """Requests it works on at once: Gunicorn's workers, sync mode's threads, async mode's pool."""
        return self.pool if self.server == "async" else self.threads

    @property
    def label(self) -> str:
        if self.server == "flask":
            return f"Flask/Gunicorn, {self.threads} sync workers"
        if self.server == "sync":
            return f"coffeehouse sync, {self.threads} threads"
        return f"coffeehouse async, {self.threads} threads, pool {self.pool}"

    @property
    def sort_key(self) -> tuple:
        return (SERVERS.index(self.server), self.threads, self.pool)


def config_of(run: Run) -> Config:
    return Config(run.server, run.threads, run.pool)


@dataclasses.dataclass(frozen=True)
class Point:
    """Every repetition of one server at one connection count: medians, and error totals."""
    config: Config
    connections: int
    reps: int
    throughput: float
    mean_us: float
    p50_us: float
    p99_us: float
    server_cpu_us: float | None
    stack_cpu_us: float | None
    others_cpus: float | None
    non_2xx: int
    socket_errors: int
    timeouts: int


def points(runs: list[Run]) -> list[Point]:
    """One point per server and connection count: Flask, sync, async, then by pool and connections.
    The calibration runs are not points: they are not predicted, they are what predicts."""
    measured = [run for run in runs if not run.calibration]
    found = []
    for config in sorted({config_of(run) for run in measured}, key=lambda c: c.sort_key):
        for connections in sorted({run.connections for run in measured if config_of(run) == config}):
            group = [run for run in measured if config_of(run) == config and run.connections == connections]
            found.append(Point(
                config=config, connections=connections, reps=len(group),
                throughput=statistics.median(run.throughput for run in group),
                mean_us=statistics.median(run.mean_us for run in group),
                p50_us=statistics.median(run.p50_us for run in group),
                p99_us=statistics.median(run.p99_us for run in group),
                server_cpu_us=median_or_none([run.server_cpu_us for run in group]),
                stack_cpu_us=median_or_none([run.stack_cpu_us for run in group]),
                others_cpus=median_or_none([run.others_cpus for run in group]),
                non_2xx=sum(run.non_2xx for run in group),
                socket_errors=sum(run.socket_errors for run in group),
                timeouts=sum(run.timeouts for run in group),
            ))
    return found


def calibration_points(runs: list[Run], kind: int) -> list[Point]:
    """The calibrations of this kind (COST or CEILING), one per pool, by pool: each its medians over
    the repetitions (at its most connections, should a pool have been calibrated at more than one)."""
    found = points([dataclasses.replace(run, calibration=0) for run in runs if run.calibration == kind])
    by_pool: dict[int, Point] = {}
    for point in found:
        if point.config.pool not in by_pool or point.connections > by_pool[point.config.pool].connections:
            by_pool[point.config.pool] = point
    return [by_pool[pool] for pool in sorted(by_pool)]


def calibration_point(runs: list[Run], kind: int) -> Point | None:
    """The calibration of this kind with the largest pool."""
    return next(reversed(calibration_points(runs, kind)), None)


@dataclasses.dataclass(frozen=True)
class CpuCost:
    """C by Q, the requests at the CPUs at once: each request's own work F, plus its share O ÷ Q of
    the wake-ups that serve every request there together (an epoll return, a backend woken by its
    socket, a CPU leaving idle). A request alone pays them all: C(1) = F + O."""
    own_seconds: float                  # F
    shared_seconds: float = 0.0         # O

    def at(self, at_cpus: float) -> float:
        return self.own_seconds + self.shared_seconds / max(1.0, at_cpus)

    @staticmethod
    def through(alone_seconds: float, loaded_seconds: float, loaded_at_cpus: float) -> CpuCost:
        """The curve through C alone (Q = 1) and C measured with `loaded_at_cpus` requests at the
        CPUs; one value where the two do not fall that way."""
        if loaded_at_cpus <= 1.0 or loaded_seconds >= alone_seconds:
            return CpuCost(loaded_seconds)
        shared = (alone_seconds - loaded_seconds) / (1 - 1 / loaded_at_cpus)
        return CpuCost(alone_seconds - shared, shared)

    @staticmethod
    def along_pools(curves: list[tuple[int, CpuCost]], pool: int) -> tuple[CpuCost, tuple[int, ...]]:
        """C for a pool from the curves calibrated at other pools (ascending), and the calibrated
        pools it came from: a request costs more with more backends in use, so between two
        calibrated pools F and O are interpolated linearly, and at or outside them the nearest
        calibration's curve holds."""
        if pool <= curves[0][0]:
            return curves[0][1], (curves[0][0],)
        for (low_pool, low), (high_pool, high) in zip(curves, curves[1:]):
            if pool == high_pool:
                return high, (high_pool,)
            if pool < high_pool:
                share = (pool - low_pool) / (high_pool - low_pool)
                return CpuCost(low.own_seconds + share * (high.own_seconds - low.own_seconds),
                               low.shared_seconds + share * (high.shared_seconds - low.shared_seconds)), \
                    (low_pool, high_pool)
        return curves[-1][1], (curves[-1][0],)


@dataclasses.dataclass(frozen=True)
class Costs:
    """What one request costs a server: its time from the run at one connection; its CPU, for async
    mode the curve through C alone and the C of the cost calibrations at the pools nearest its own,
    for the others one value from their run at the most connections (they never have more requests
    at the CPUs than there are CPUs)."""
    seconds_per_request: float          # W: 1 / throughput at one connection
    cpu: CpuCost | None                 # C by Q: CPU of the server, PostgreSQL, the proxy and wrk per request
    cpu_seconds_alone: float | None     # C at one connection, where every request pays every wake-up
    cpu_source: str                     # where C was measured: "cost calibration, pool P" or "under load"


def closed_network_throughput(customers: int, delay_seconds: float, cpu_seconds: float, cpus: float) -> float:
    """Requests per second of `customers` requests that each spend `delay_seconds` away from the CPUs
    and then `cpu_seconds` on one of `cpus` CPUs, queueing for them first-come first-served: exact
    mean-value analysis with the CPUs as one load-dependent station (rate min(j, cpus) / C with j
    requests there), which tracks the probability of each number of requests at the CPUs."""
    if customers <= 0:
        return 0.0
    at_cpus = [1.0]                     # at_cpus[j]: the probability that j requests are at the CPUs
    throughput = 0.0
    for population in range(1, customers + 1):
        residence = sum(j / min(j, cpus) * cpu_seconds * at_cpus[j - 1] for j in range(1, population + 1))
        throughput = population / (delay_seconds + residence)
        busy = [throughput * cpu_seconds / min(j, cpus) * at_cpus[j - 1] for j in range(1, population + 1)]
        at_cpus = [max(0.0, 1.0 - sum(busy)), *busy]
    return throughput


def requests_at_cpus(in_flight: int, throughput: float, seconds_per_request: float, cpu_seconds: float) -> float:
    """Q: the requests in flight less those in the delay, W − C each (Little's law on the delay)."""
    return in_flight - throughput * max(0.0, seconds_per_request - cpu_seconds)


@dataclasses.dataclass(frozen=True)
class OperatingPoint:
    throughput: float                   # X
    at_cpus: float                      # Q: the requests not in the delay, K − X × (W − C(Q))
    cpu_seconds: float                  # C(Q)


@functools.lru_cache(maxsize=None)
def operating_point(customers: int, seconds_per_request: float, cost: CpuCost, cpus: float) -> OperatingPoint:
    """The closed network whose CPU per request depends on how many requests are at the CPUs: the Q
    at which C(Q), with each request W − C(Q) in the delay, gives a throughput X that leaves exactly
    Q = K − X × (W − C(Q)) outside it. More at the CPUs makes each cheaper, hence X higher and fewer
    left there: one crossing, found by bisection."""
    def network(at_cpus: float) -> tuple[float, float, float]:
        cpu_seconds = cost.at(at_cpus)
        delay = max(0.0, seconds_per_request - cpu_seconds)
        throughput = closed_network_throughput(customers, delay, cpu_seconds, cpus)
        return throughput, cpu_seconds, requests_at_cpus(customers, throughput, seconds_per_request, cpu_seconds)

    low, high = 0.0, float(max(customers, 0))
    while high - low > 1e-3 * max(customers, 1):
        middle = (low + high) / 2
        if network(middle)[2] > middle:
            low = middle
        else:
            high = middle
    throughput, cpu_seconds, _ = network((low + high) / 2)
    return OperatingPoint(throughput, (low + high) / 2, cpu_seconds)


@dataclasses.dataclass(frozen=True)
class Prediction:
    config: Config
    connections: int
    in_flight: int                     # min(concurrency, connections)
    waiting_bound: float               # in_flight / W
    operating: OperatingPoint | None   # the closed network's solution; None without a C
    cpus: float                        # N
    measured: Point | None

    @property
    def predicted(self) -> float:
        """The closed network's throughput; in_flight / W without a C."""
        return self.waiting_bound if self.operating is None else self.operating.throughput

    @property
    def cpu_bound(self) -> float | None:
        """N ÷ C, at the C where the prediction operates."""
        return None if self.operating is None else self.cpus / self.operating.cpu_seconds

    @property
    def limit(self) -> str:
        """Which bound is the lower: the one the prediction approaches."""
        if self.cpu_bound is not None and self.cpu_bound < self.waiting_bound:
            return "CPU"
        return {"flask": "workers", "sync": "threads", "async": "pool"}[self.config.server] \
            if self.in_flight == self.config.concurrency else "connections"

    @property
    def difference(self) -> float | None:
        """(measured − predicted) / predicted."""
        if self.measured is None or self.predicted <= 0:
            return None
        return (self.measured.throughput - self.predicted) / self.predicted

    @property
    def within_target(self) -> bool | None:
        return None if self.difference is None else abs(self.difference) <= TARGET


def _seconds(microseconds: float | None) -> float | None:
    return None if microseconds is None or microseconds <= 0 else microseconds / 1e6


class Model:
    """Predictions for every server in a run, from the runs at one connection and the calibrations."""

    def __init__(self, runs: list[Run], cpus: int):
        self.points = points(runs)
        self.calibration_runs = sorted((run for run in runs if run.calibration),
                                       key=lambda run: (run.calibration, run.pool, run.rep))
        self.cost_calibrations = [point for point in calibration_points(runs, COST)
                                  if _seconds(point.stack_cpu_us) is not None]
        self.cost = self.cost_calibrations[-1] if self.cost_calibrations else None
        self.ceiling = calibration_point(runs, CEILING)
        # The CPUs the stack keeps busy where only the CPUs limit it: a little less than the
        # machine's, since between wake-ups and in the kernel's own work none of its processes runs.
        busy = None if self.ceiling is None else _busy_cpus(self.ceiling.throughput, self.ceiling.stack_cpu_us)
        self.cpus = float(cpus) if not busy else min(float(cpus), busy)
        # By server and io threads: W and C alone from the run at one connection (one connection
        # uses one pool connection: the configured pool's run gives W for every pool of the sweep),
        # and, but for async mode's calibrated curves, C under load.
        self.costs: dict[tuple[str, int], Costs] = {}
        # Async mode's C(Q) by calibrated pool, ascending, for each io thread count.
        self.cost_curves: dict[int, list[tuple[int, CpuCost]]] = {}
        largest = self.largest_connections
        for alone in self.points:
            key = (alone.config.server, alone.config.threads)
            if alone.connections != 1 or alone.throughput <= 0 or key in self.costs:
                continue
            seconds_per_request, cpu_alone = 1 / alone.throughput, _seconds(alone.stack_cpu_us)
            loaded = next((p for p in self.points if p.config == alone.config and p.connections == largest), alone)
            cpu_seconds = _seconds(loaded.stack_cpu_us)
            self.costs[key] = Costs(seconds_per_request, None if cpu_seconds is None else CpuCost(cpu_seconds),
                                    cpu_alone, "under load")
            if alone.config.server == "async" and cpu_alone is not None and self.cost_calibrations:
                self.cost_curves[alone.config.threads] = [
                    (point.config.pool, self._calibrated_curve(point, seconds_per_request, cpu_alone))
                    for point in self.cost_calibrations]

    @staticmethod
    def _calibrated_curve(calibration: Point, seconds_per_request: float, cpu_alone: float) -> CpuCost:
        """C(Q) through C alone and a cost calibration's C, at the calibration's Q (as every prediction's)."""
        calibrated = _seconds(calibration.stack_cpu_us)
        at_cpus = requests_at_cpus(min(calibration.connections, calibration.config.pool), calibration.throughput,
                                   seconds_per_request, calibrated)
        return CpuCost.through(cpu_alone, calibrated, at_cpus)

    def costs_of(self, config: Config) -> Costs | None:
        """A server's costs; for async mode C(Q) at its pool, from the cost calibrations."""
        costs = self.costs.get((config.server, config.threads))
        curves = self.cost_curves.get(config.threads) if config.server == "async" else None
        if costs is None or not curves:
            return costs
        cpu, calibrated = CpuCost.along_pools(curves, config.pool)
        source = (f"cost calibration, pool {calibrated[0]}" if len(calibrated) == 1 else
                  f"cost calibrations, pools {calibrated[0]} and {calibrated[1]}")
        return dataclasses.replace(costs, cpu=cpu, cpu_source=source)

    def predict(self, config: Config, connections: int) -> Prediction | None:
        costs = self.costs_of(config)
        if costs is None:
            return None
        in_flight = min(config.concurrency, connections)
        measured = next((p for p in self.points if p.config == config and p.connections == connections), None)
        return Prediction(config, connections, in_flight, in_flight / costs.seconds_per_request,
                          self.operating(costs, in_flight), self.cpus, measured)

    def operating(self, costs: Costs, in_flight: int) -> OperatingPoint | None:
        """The closed network of W and C(Q) for `in_flight` requests at once."""
        if costs.cpu is None:
            return None
        return operating_point(in_flight, costs.seconds_per_request, costs.cpu, self.cpus)

    def throughput(self, costs: Costs, in_flight: int) -> float:
        """The prediction for `in_flight` requests at once."""
        operating = self.operating(costs, in_flight)
        return in_flight / costs.seconds_per_request if operating is None else operating.throughput

    @property
    def largest_connections(self) -> int:
        return max((point.connections for point in self.points), default=0)

    def comparison_configs(self) -> list[Config]:
        """The servers measured over connections (those with a run at one connection)."""
        return sorted({p.config for p in self.points if p.connections == 1}, key=lambda c: c.sort_key)

    def ceilings(self) -> list[Prediction]:
        """Every compared server at the largest connection count: its ceiling against the measurement."""
        found = [self.predict(config, self.largest_connections) for config in self.comparison_configs()]
        return [prediction for prediction in found if prediction is not None]

    def pool_sweep(self) -> list[Prediction]:
        """Async mode at every pool size measured at the largest connection count, by pool size."""
        configs = sorted({p.config for p in self.points
                          if p.config.server == "async" and p.connections == self.largest_connections},
                         key=lambda c: c.sort_key)
        found = [self.predict(config, self.largest_connections) for config in configs]
        return [prediction for prediction in found if prediction is not None]


def _number(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "±0%" if round(value * 100) == 0 else f"{value:+.0%}".replace("-", "−")


def _verdict(prediction: Prediction) -> str:
    met = prediction.within_target
    return "n/a" if met is None else ("yes" if met else "**no**")


def _errors(point: Point | None) -> str:
    return "n/a" if point is None else f"{point.non_2xx}/{point.socket_errors}/{point.timeouts}"


def markdown(runs: list[Run], *, title: str, setup: str, cpus: int, commands: list[str], plot_names: list[str]) -> str:
    model = Model(runs, cpus)
    largest = model.largest_connections
    lines = [f"# {title}", "", setup, ""]
    lines += [
        "## Predictions and measurements",
        "",
        "Little's law: a server with **K** requests in flight, each taking **W**, serves at most K ÷ W requests "
        "per second; if every request costs **C** of CPU, **N CPUs** serve at most N ÷ C. Those are the bounds. "
        "Where they meet, requests that hold their place also queue for the CPUs, so the **prediction** is the "
        "exact mean-value analysis of the closed network whose asymptotes they are: K requests, each W − C away "
        "from the CPUs (the round trips) and then C on one of them. With K no more than the CPUs nothing queues "
        "and it is K ÷ W. W = 1 ÷ (requests/s at one connection). C = the CPU per request of every process that "
        "serves it, since they share the CPUs: the server, PostgreSQL, the latency proxy and wrk. A request costs "
        "less where more of them are at the CPUs at once, **Q** (every wake-up is shared by more of them), so for "
        "async mode C(Q) = F + O ÷ Q: its own work F and its share of the wake-ups O, the curve through C alone "
        "(Q = 1, at one connection) and "
        + ("a cost calibration's C (below; medians over the runs): async mode at "
           f"{model.cost.connections:,} connections at this run's latency, where only the CPUs limit it, with a pool of "
           + " and of ".join(f"{point.config.pool} (**{point.stack_cpu_us:,.0f} µs**)" for point in model.cost_calibrations)
           + (". A request costs more with more backends in use, so each pool takes the curve of the calibration "
              "nearest its size, and between two calibrated pools F and O interpolated between theirs"
              if len(model.cost_calibrations) > 1 else "")
           + ". A prediction is where C(Q) gives a throughput X that leaves Q = K − X × (W − C) at the CPUs"
           if model.cost is not None else
           "(this run has no cost calibration) one value, its configured pool's run at the most connections")
        + (f"; N is the CPUs the stack kept busy in the ceiling calibration, with a pool of "
           f"{model.ceiling.config.pool} at {model.ceiling.connections:,} connections: **{model.cpus:.2f}** of the "
           f"machine's {cpus}"
           if model.ceiling is not None and model.ceiling.stack_cpu_us is not None else
           f"; N is the machine's {cpus} (this run has no ceiling calibration)")
        + f". For Flask and sync mode C is one value, from their run at {largest:,} connections. Measured: at "
        f"{largest:,} connections, more than any K. Difference = (measured − predicted) ÷ predicted; the "
        f"target is ±{TARGET:.0%}.",
        "",
        "| Server | K in flight | W at 1 conn. (ms) | C alone (µs) | Q at the CPUs | C at Q (µs, from) | K ÷ W (req/s) "
        "| CPUs ÷ C (req/s) | **predicted** (nearer bound) | **measured** (req/s) | difference | within ±15 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]

    def prediction_row(label: str, prediction: Prediction) -> str:
        costs = model.costs_of(prediction.config)
        measured = prediction.measured.throughput if prediction.measured else None
        operating = prediction.operating
        return (f"| {label} | {prediction.in_flight} | {costs.seconds_per_request * 1e3:,.2f} "
                f"| {_number(_micro(costs.cpu_seconds_alone))} | {_number(operating and operating.at_cpus, 1)} "
                f"| {_number(operating and _micro(operating.cpu_seconds))} ({costs.cpu_source}) "
                f"| {prediction.waiting_bound:,.0f} | {_number(prediction.cpu_bound)} "
                f"| **{prediction.predicted:,.0f}** ({prediction.limit}) | **{_number(measured)}** "
                f"| {_percent(prediction.difference)} | {_verdict(prediction)} |")

    ceilings = model.ceilings()
    for prediction in ceilings:
        lines.append(prediction_row(prediction.config.label, prediction))
    compared = {prediction.config for prediction in ceilings}
    for prediction in model.pool_sweep():
        if prediction.config not in compared:
            lines.append(prediction_row(f"{prediction.config.label} (pool sweep)", prediction))

    lines += [
        "",
        *(f"![{name}]({name})" for name in plot_names),
        "",
        "## Every server by connections",
        "",
        "Medians over the runs; errors are totals over them (non-2xx / socket errors / timeouts). req/s counts "
        "2xx answers. Server CPU is the server's own user + system time per answer (Gunicorn: master and every "
        "worker); stack CPU adds PostgreSQL's, the latency proxy's and wrk's. \"Stack, CPUs\" is how many CPUs "
        "all of them kept busy (req/s × stack CPU); \"others\" is what the rest of the machine used meanwhile "
        "(its /proc/stat busy time less the stack's), in CPUs.",
        "",
        "| Server | Connections | req/s | predicted | difference | mean ms | p50 ms | p99 ms "
        "| server CPU µs/req | stack CPU µs/req | stack, CPUs | others, CPUs | errors | runs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for point in model.points:
        if point.config not in model.comparison_configs():
            continue
        prediction = model.predict(point.config, point.connections)
        lines.append(
            f"| {point.config.label} | {point.connections:,} | {point.throughput:,.0f} "
            f"| {_number(prediction.predicted if prediction else None)} "
            f"| {_percent(prediction.difference if prediction else None)} | {point.mean_us / 1000:,.2f} "
            f"| {point.p50_us / 1000:,.2f} | {point.p99_us / 1000:,.2f} | {_cpu_columns(point)} "
            f"| {_errors(point)} | {point.reps} |")

    sweep = model.pool_sweep()
    if len(sweep) > 1:
        lines += [
            "",
            f"## Pool sweep: async mode at {largest:,} connections",
            "",
            "| Pool | req/s | pool ÷ W | CPUs ÷ C | predicted (nearer bound) | difference | p50 ms | p99 ms "
            "| server CPU µs/req | stack CPU µs/req | stack, CPUs | others, CPUs | errors | runs |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for prediction in sweep:
            point = prediction.measured
            lines.append(
                f"| {prediction.config.pool} | {point.throughput:,.0f} | {prediction.waiting_bound:,.0f} "
                f"| {_number(prediction.cpu_bound)} | {prediction.predicted:,.0f} ({prediction.limit}) "
                f"| {_percent(prediction.difference)} | {point.p50_us / 1000:,.2f} | {point.p99_us / 1000:,.2f} "
                f"| {_cpu_columns(point)} | {_errors(point)} | {point.reps} |")
    if model.calibration_runs:
        lines += [
            "",
            "## CPU calibrations: async mode where only the CPUs limit it",
            "",
            "Both at this run's latency, through the measured runs' proxy, at more connections than the sweep: "
            "the cost calibrations, with the sweep's largest pool and with one halfway between its two largest, whose "
            "stack CPU per request sets the curve C(Q) of every async prediction above (each pool's from the calibrated "
            "pools nearest it), and the ceiling calibration with twice the largest pool, whose busy CPUs are N (medians "
            "over the runs).",
            "",
            "| Calibration | Run | Pool | Connections | req/s | server CPU µs/req | stack CPU µs/req | stack, CPUs "
            "| others, CPUs | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        kinds = {COST: "cost (C)", CEILING: "ceiling (N)"}
        for run in model.calibration_runs:
            lines.append(f"| {kinds.get(run.calibration, run.calibration)} | {run.rep} | {run.pool} "
                         f"| {run.connections:,} | {run.throughput:,.0f} | {_cpu_columns(run)} "
                         f"| {run.non_2xx}/{run.socket_errors}/{run.timeouts} |")
    lines += ["", "## Commands", "", "```sh", *commands, "```", ""]
    return "\n".join(lines)


def _micro(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1e6


def _busy_cpus(throughput: float, stack_cpu_us: float | None) -> float | None:
    return None if stack_cpu_us is None else throughput * stack_cpu_us / 1e6


def _cpu_columns(point: Point | Run) -> str:
    """Server CPU, stack CPU (µs per request), the CPUs the stack kept busy, the others'."""
    busy = _busy_cpus(point.throughput, point.stack_cpu_us)
    return (f"{_number(point.server_cpu_us, 1)} | {_number(point.stack_cpu_us, 1)} | {_number(busy, 2)} "
            f"| {_number(point.others_cpus, 2)}")


STYLES = {"flask": ("tab:green", "^"), "sync": ("tab:orange", "s"), "async": ("tab:blue", "o")}


def plot_overview(runs: list[Run], path: pathlib.Path, *, cpus: int, title: str) -> None:
    """Left: the three servers' req/s by connections, measured and predicted. Right: the pool sweep,
    with its predictions and the other servers' ceilings as reference lines."""
    plt = pyplot()

    model = Model(runs, cpus)
    sweep = model.pool_sweep()
    with_sweep = len(sweep) > 1
    figure, axes = plt.subplots(1, 2 if with_sweep else 1, figsize=(14, 7.2) if with_sweep else (7, 7.2),
                                squeeze=False)
    servers_axes = axes[0][0]
    for config in model.comparison_configs():
        color, marker = STYLES[config.server]
        ordered = [p for p in model.points if p.config == config]
        x = [p.connections for p in ordered]
        servers_axes.plot(x, [p.throughput for p in ordered], marker=marker, color=color, linewidth=2,
                          label=config.label)
        servers_axes.annotate(f"{ordered[-1].throughput:,.0f}", (x[-1], ordered[-1].throughput), color=color,
                              textcoords="offset points", xytext=(6, 4), fontsize="small")
        predicted = [model.predict(config, c) for c in x]
        servers_axes.plot(x, [p.predicted for p in predicted], color=color, linestyle="--", linewidth=1.2)
    servers_axes.plot([], [], color="gray", linestyle="--", linewidth=1.2,
                      label="dashed: predicted (the closed network of W and C)")
    servers_axes.set_xscale("log", base=2)
    connections = sorted({p.connections for p in model.points if p.config in model.comparison_configs()})
    servers_axes.set_xticks(connections, [f"{c:,}" for c in connections])
    servers_axes.set_xlabel("wrk connections (log scale)")
    servers_axes.set_ylabel("requests per second (2xx)")
    servers_axes.set_ylim(bottom=0)
    servers_axes.set_title("three servers: throughput by connections")
    servers_axes.grid(True, which="both", alpha=0.3)
    servers_axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13))

    if with_sweep:
        sweep_axes = axes[0][1]
        pools = [p.config.pool for p in sweep]
        color, marker = STYLES["async"]
        sweep_axes.plot(pools, [p.measured.throughput for p in sweep], marker=marker, color=color, linewidth=2,
                        label=f"coffeehouse async, {sweep[0].config.threads} threads: measured")
        for prediction in sweep:
            sweep_axes.annotate(f"{prediction.measured.throughput:,.0f}", (prediction.config.pool,
                                prediction.measured.throughput), color=color, textcoords="offset points",
                                xytext=(6, -12), fontsize="small")
        every_pool = list(range(pools[0], pools[-1] + 1))
        # Each pool's own C(Q): from the cost calibrations, along the pools.
        every_costs = [model.costs_of(dataclasses.replace(sweep[0].config, pool=pool)) for pool in every_pool]
        seconds_per_request = every_costs[0].seconds_per_request
        sweep_axes.plot(every_pool, [model.throughput(costs, pool) for costs, pool in zip(every_costs, every_pool)],
                        color=color, linestyle="--", linewidth=1.2,
                        label=f"  predicted from W = {seconds_per_request * 1e3:.2f} ms and C(Q)")
        sweep_axes.plot(every_pool, [pool / seconds_per_request for pool in every_pool],
                        color=color, linestyle=":", linewidth=1,
                        label="  the pool's bound, pool ÷ W")
        operating = [model.operating(costs, pool) for costs, pool in zip(every_costs, every_pool)]
        if all(point is not None for point in operating):
            named = [str(point.config.pool) for point in model.cost_calibrations]
            calibrated = (f"calibrated at pools {', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else
                          f"calibrated at pool {named[0]}" if named else "under load")
            sweep_axes.plot(every_pool, [model.cpus / point.cpu_seconds for point in operating], color="black",
                            linestyle=":", linewidth=1.5,
                            label=f"  the CPUs' bound, {model.cpus:.2f} CPUs ÷ C(Q) at each pool's Q "
                                  f"(C {calibrated}: {operating[-1].cpu_seconds * 1e6:,.0f} µs "
                                  f"at pool {every_pool[-1]})")
        for prediction in model.ceilings():
            if prediction.config.server == "async":
                continue
            line_color, _ = STYLES[prediction.config.server]
            if prediction.measured is not None:
                sweep_axes.axhline(prediction.measured.throughput, color=line_color, linewidth=2,
                                   label=f"{prediction.config.label}: measured "
                                         f"{prediction.measured.throughput:,.0f} req/s")
            sweep_axes.axhline(prediction.predicted, color=line_color, linestyle="--", linewidth=1.2,
                               label=f"  predicted, {prediction.config.concurrency} in flight: {prediction.predicted:,.0f} req/s")
        sweep_axes.set_xscale("log", base=2)
        sweep_axes.set_xticks(pools, [str(pool) for pool in pools])
        sweep_axes.set_xlabel(f"async --pool-size (log scale), {model.largest_connections:,} wrk connections")
        sweep_axes.set_ylabel("requests per second (2xx)")
        top = max([p.measured.throughput for p in sweep] + [p.predicted for p in sweep])
        sweep_axes.set_ylim(0, top * 1.25)
        sweep_axes.set_title("async pool sweep, beside sync and Flask")
        sweep_axes.grid(True, which="both", alpha=0.3)
        sweep_axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13))
    figure.suptitle(title)
    save(figure, path)


def plot_p99(runs: list[Run], path: pathlib.Path, *, cpus: int, title: str) -> None:
    plt = pyplot()

    model = Model(runs, cpus)
    figure, axes = plt.subplots(figsize=(7, 4.6))
    for config in model.comparison_configs():
        color, marker = STYLES[config.server]
        ordered = [p for p in model.points if p.config == config]
        axes.plot([p.connections for p in ordered], [p.p99_us / 1000 for p in ordered], marker=marker, color=color,
                  linewidth=2, label=config.label)
    axes.set_xscale("log", base=2)
    axes.set_yscale("log")
    connections = sorted({p.connections for p in model.points if p.config in model.comparison_configs()})
    axes.set_xticks(connections, [f"{c:,}" for c in connections])
    axes.set_xlabel("wrk connections (log scale)")
    axes.set_ylabel("p99 latency, ms (log scale)")
    axes.set_title(title)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    save(figure, path)


def main(argv: list[str] | None = None) -> int:
    parser = report_parser(__doc__, "NAME.md, NAME.png and NAME-p99.png")
    parser.add_argument("tsv", type=pathlib.Path, help="the runs, as scripts/bench --with-reference writes them")
    parser.add_argument("--cpus", type=int, required=True, help="the machine's CPUs, for the CPU ceiling")
    parser.add_argument("--route", required=True, help="the route's short name (country, notes)")
    parser.add_argument("--db-latency-ms", type=float, default=0.0)
    parser.add_argument("--setup", required=True, help="one paragraph: machine, servers, dataset")
    parser.add_argument("--command", action="append", default=[], help="a command that made the numbers")
    args = parser.parse_args(argv)
    try:
        runs = read_nonempty(read_runs, args.tsv, "runs")
    except (OSError, ValueError) as error:
        return bad_input("reference report", str(error))
    model = Model(runs, args.cpus)
    if not model.costs:
        return bad_input("reference report", f"{args.tsv} has no run at one connection: nothing to predict from")
    route = ROUTE_LABELS.get(args.route, args.route)
    latency = "loopback" if args.db_latency_ms == 0 else f"+{args.db_latency_ms:g} ms per database round trip"
    title = f"{route}, {latency}: Flask/Gunicorn, coffeehouse sync and async"
    plot_names = [f"{args.name}.png", f"{args.name}-p99.png"]
    plot_overview(runs, args.out_dir / plot_names[0], cpus=args.cpus, title=title)
    plot_p99(runs, args.out_dir / plot_names[1], cpus=args.cpus, title=f"{route}, {latency}: p99 latency")
    report = markdown(runs, title=title, setup=args.setup, cpus=args.cpus, commands=args.command,
                      plot_names=plot_names)
    write_report(args.out_dir, args.name, report, "| Server")
    return 0


if __name__ == "__main__":
    sys.exit(main())
