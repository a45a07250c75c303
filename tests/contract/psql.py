"""Writes to the service's database through psql, for the data the API cannot create (coffee rows).
Values travel as psql variables and reach SQL only through :'name' quoting: never spliced in."""

from __future__ import annotations

import os
import subprocess
from urllib.parse import unquote, urlsplit, urlunsplit

PSQL = "/usr/lib/postgresql/15/bin/psql"


class Database:
    def __init__(self, url: str) -> None:
        self._target, self._password = _without_password(url)

    def query(self, sql: str, **variables: str) -> list[str]:
        """Runs `sql` (read from stdin, where psql interpolates variables) and returns the rows of
        its output, one unaligned line each."""
        command = [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        for name, value in variables.items():
            command += ["-v", f"{name}={value}"]
        command += ["-d", self._target]
        environment = dict(os.environ)
        if self._password is not None:
            environment["PGPASSWORD"] = self._password  # kept out of argv, where `ps` would show it
        done = subprocess.run(command, input=sql, capture_output=True, text=True, env=environment, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return [line for line in done.stdout.splitlines() if line]


def _without_password(url: str) -> tuple[str, str | None]:
    """A postgresql:// URL without its password, and the password; other conninfo strings as given."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or parts.password is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    if parts.username is not None:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc)), unquote(parts.password)
