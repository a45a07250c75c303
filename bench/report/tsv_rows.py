"""What the reports in bench/report share: reading the TSV files scripts/bench writes, the
counts every wrk run has, and the medians of values some runs lack."""

from __future__ import annotations

import csv
import dataclasses
import pathlib
import statistics
from typing import Callable, TypeVar

Row = TypeVar("Row")


def read_rows(path: pathlib.Path, columns: tuple[str, ...], make: Callable[[dict[str, str]], Row]) -> list[Row]:
    """Every row of `path` made into a value by `make`. A header other than `columns`, or a row
    `make` refuses (ValueError, TypeError), is a ValueError naming the file and the line."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path}: expected the columns {', '.join(columns)}, got {reader.fieldnames}")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                rows.append(make(row))
            except (TypeError, ValueError) as error:
                raise ValueError(f"{path}:{line}: {error}") from None
    return rows


def optional_float(text: str) -> float | None:
    """A number of a column that scripts/bench leaves empty or 'n/a' where there is none (CPU per
    request of a run that answered nothing)."""
    return None if text in ("", "n/a") else float(text)


def median_or_none(values) -> float | None:
    """The median of the values that are there; None when none is."""
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


@dataclasses.dataclass(frozen=True)
class WrkCounts:
    """What wrk counted in one run: answers of any status, those not 2xx/3xx, over its duration."""
    seconds: float
    requests: int
    non_2xx: int

    @property
    def successes(self) -> int:
        return self.requests - self.non_2xx

    @property
    def answers_per_second(self) -> float:
        """Answers of any status per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def goodput(self) -> float:
        """2xx answers per second."""
        return self.successes / self.seconds if self.seconds > 0 else 0.0

    @property
    def refusals_per_second(self) -> float:
        return self.non_2xx / self.seconds if self.seconds > 0 else 0.0
