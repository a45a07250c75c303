"""What the Markdown reports of scripts/bench share besides their tables: reading their input and
writing them out, the line that says how they were made, the machine section, code blocks, and
matplotlib set up to write PNG files."""

from __future__ import annotations

import argparse
import datetime
import pathlib
import sys
from typing import Callable, TypeVar

Row = TypeVar("Row")


def report_parser(doc: str, outputs: str) -> argparse.ArgumentParser:
    """A report's command line: --name (of the files it writes, `outputs`) and --out-dir."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--name", required=True, help=f"report name: writes {outputs}")
    parser.add_argument("--out-dir", type=pathlib.Path, required=True)
    return parser


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """What scripts/bench tells a report about the run itself: its command line and duration, the
    kernel's clock ticks, the machine's facts, the commands that started the services."""
    parser.add_argument("--produced-by", required=True, help="the scripts/bench command line")
    parser.add_argument("--elapsed-seconds", type=int, required=True, help="how long the run took")
    parser.add_argument("--clk-tck", type=int, default=100, help="the kernel's CPU ticks per second")
    parser.add_argument("--machine", action="append", default=[], help="a fact for the machine section")
    parser.add_argument("--command", action="append", default=[], help="a command that started a service")


def read_nonempty(read: Callable[[pathlib.Path], list[Row]], path: pathlib.Path, what: str) -> list[Row]:
    """read(path), where no rows at all is a ValueError too ("PATH has no WHAT")."""
    rows = read(path)
    if not rows:
        raise ValueError(f"{path} has no {what}")
    return rows


def bad_input(report: str, error: str) -> int:
    """What a report says and returns when its input cannot be used: one line, exit status 2."""
    print(f"{report}: {error}", file=sys.stderr)
    return 2


def write_report(directory: pathlib.Path, name: str, text: str, *table_headers: str) -> None:
    """NAME.md in `directory`; on stdout, for the console of scripts/bench, each table of the report
    that starts with one of `table_headers`."""
    (directory / f"{name}.md").write_text(text, encoding="utf-8")
    for header in table_headers:
        if header in text:
            table = text[text.index(header):]
            print(table[:table.index("\n\n")])


def produced_by(invocation: str, elapsed_seconds: int, when: datetime.datetime | None = None) -> str:
    when = when or datetime.datetime.now(datetime.timezone.utc)
    return (f"Produced by `{invocation}` on {when:%Y-%m-%d %H:%M} UTC; "
            f"the run took {elapsed_seconds} s.")


def machine_section(facts: list[str]) -> list[str]:
    """One bullet per fact that scripts/bench gathered (host, load, versions); a fact may run on
    over indented lines."""
    return ["## Machine", "", *(f"- {fact}" for fact in facts)]


def code_block(lines: list[str], language: str = "sh") -> list[str]:
    return [f"```{language}", *lines, "```"]


def pyplot():
    """matplotlib's pyplot on the Agg backend: PNG files, no display needed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(figure, path: pathlib.Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot().close(figure)
