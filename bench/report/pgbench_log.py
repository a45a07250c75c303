#!/usr/bin/env python3
"""p50 and p99 of the transaction times in pgbench's per-transaction logs (`pgbench -l`).

Each log line is `client_id transaction_no time script_no time_epoch time_us [...]`, `time` being
the transaction's latency in µs. Prints "P50 P99" (µs; "0 0" when the logs hold no transaction)
for scripts/bench --limit, which writes them into its TSV. Tested in
tests/tooling/test_pgbench_log.py.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from report_parts import bad_input


def latencies(paths: list[pathlib.Path]) -> list[int]:
    """Every transaction's time, in µs; a line without one is a ValueError naming it."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            fields = line.split()
            if len(fields) < 3 or not fields[2].isdigit():
                raise ValueError(f"{path}:{number}: expected pgbench's 'client transaction time ...', got {line!r}")
            found.append(int(fields[2]))
    return found


def percentile(ordered: list[int], share: float) -> int:
    """The value at rank floor(n × share), counted from 1 and at least 1; 0 for no values."""
    if not ordered:
        return 0
    return ordered[max(1, int(len(ordered) * share)) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", type=pathlib.Path, help="pgbench's log files (one per thread)")
    args = parser.parse_args(argv)
    try:
        ordered = sorted(latencies(args.logs))
    except (OSError, ValueError) as error:
        return bad_input("pgbench log", str(error))
    print(percentile(ordered, 0.50), percentile(ordered, 0.99))
    return 0


if __name__ == "__main__":
    sys.exit(main())
