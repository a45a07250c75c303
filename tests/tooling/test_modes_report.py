"""bench/report/modes.py: the sync-vs-async report of scripts/bench."""

import pytest

import modes

HEADER = "\t".join(modes.COLUMNS)


def row(scenario, mode, rps, *, connections=None, rep=1, p50_us=1000, p90_us=2000, p99_us=5000, http_errors=0,
        socket_errors=0, busiest=50, cpu="30.0"):
    if connections is None:
        connections = int(scenario.split("@")[1]) if "@" in scenario else 64
    values = [scenario, mode, connections, rep, rps, 900, p50_us, p90_us, p99_us, p99_us * 2, int(rps * 2),
              http_errors, socket_errors, busiest, cpu]
    return "\t".join(str(value) for value in values)


def write(tmp_path, *rows):
    path = tmp_path / "runs.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def every_scenario(rps_async=20_000.0, rps_sync=10_000.0, sweep=(1, 16, 64)):
    """One run of each scenario in both modes, as scripts/bench --quick writes them."""
    scenarios = [f"get_user@{count}" for count in sweep]
    scenarios += [f"{name}@64" for name, _ in modes.ROUTES if name != "get_user"]
    scenarios += ["mixed_fast", "mixed_slow"]
    return [row(scenario, mode, rps) for scenario in scenarios
            for mode, rps in (("async", rps_async), ("sync", rps_sync))]


ARGUMENTS = ["--produced-by", "scripts/bench --quick", "--elapsed-seconds", "52", "--threads", "2",
             "--pool-size", "4", "--repeat", "1", "--duration", "2", "--connections", "64", "--sweep", "1,16,64",
             "--slow-connections", "2", "--slow-description", "GET /bench/sleep?ms=100"]


def run_main(tmp_path, tsv, *extra):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    status = modes.main([str(tsv), "--name", "t", "--out-dir", str(out), *ARGUMENTS, *extra])
    return status, out


def summary_of(tmp_path, *rows, scenario="get_user@64", mode="async"):
    return modes.summaries(modes.read_runs(write(tmp_path, *rows)))[(scenario, mode)]


def test_repetitions_give_medians_of_rates_and_latencies_and_totals_of_errors(tmp_path):
    summary = summary_of(tmp_path,
                         row("get_user@64", "async", 10_000, rep=1, p99_us=9000, http_errors=1),
                         row("get_user@64", "async", 30_000, rep=2, p99_us=4000, socket_errors=2),
                         row("get_user@64", "async", 12_000, rep=3, p99_us=5000, http_errors=3))
    assert summary.runs == 3
    assert summary.rps == 12_000          # the median run, not the mean (17,333)
    assert summary.p99_us == 5000
    assert (summary.http_errors, summary.socket_errors) == (4, 2)


def test_cpu_per_request_is_the_median_of_the_runs_that_answered(tmp_path):
    summary = summary_of(tmp_path,
                         row("get_user@64", "async", 10_000, rep=1, cpu="n/a"),
                         row("get_user@64", "async", 10_000, rep=2, cpu="40.0"),
                         row("get_user@64", "async", 10_000, rep=3, cpu="20.0"))
    assert summary.cpu_us_per_request == 30.0
    none = summary_of(tmp_path, row("get_user@64", "async", 0, cpu="n/a"))
    assert none.cpu_us_per_request is None


def test_a_row_puts_the_modes_side_by_side_with_their_ratio(tmp_path):
    found = modes.summaries(modes.read_runs(write(
        tmp_path,
        row("get_user@64", "async", 30_000, p50_us=2050, p99_us=4260, busiest=51, cpu="27.1"),
        row("get_user@64", "sync", 17_500, p50_us=2860, p99_us=24_570, busiest=53, cpu="n/a", http_errors=3),
    )))
    assert modes.table_row("GET /users/{id}", found, "get_user@64") == (
        "| GET /users/{id} | 30000 | 17500 | **1.71×** | 27.1 / n/a | 2.05 / 2.86 | 2.00 / 2.00 | 4.26 / 24.57 "
        "| 51% / 53% | 0/0 | 3/0 |")


def test_a_mode_that_did_not_run_or_answered_nothing_has_no_ratio(tmp_path):
    found = modes.summaries(modes.read_runs(write(tmp_path, row("get_user@64", "async", 30_000),
                                                  row("mixed_fast", "async", 100), row("mixed_fast", "sync", 0))))
    only_async = modes.table_row("x", found, "get_user@64")
    assert "**n/a**" in only_async
    assert only_async.endswith("| 0/0 | n/a |")
    assert "**n/a**" in modes.table_row("x", found, "mixed_fast")


def test_the_report_has_every_route_the_sweep_and_the_mixed_scenario(tmp_path):
    status, out = run_main(tmp_path, write(tmp_path, *every_scenario(), row("get_user@256", "async", 5)))
    assert status == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    routes = report[report.index("## Routes at 64 connections"):report.index("## Connection sweep")]
    assert [line.split(" | ")[0] for line in routes.splitlines() if line.startswith("| GET") or
            line.startswith("| POST")] == [f"| {label}" for _, label in modes.ROUTES]
    assert routes.count("**2.00×**") == len(modes.ROUTES)
    sweep = report[report.index("## Connection sweep"):report.index("## Mixed")]
    # Only the counts of --sweep: the 256-connection run is not part of it.
    assert [line.split(" | ")[0] for line in sweep.splitlines() if line[2:3].isdigit()] == ["| 1", "| 16", "| 64"]
    assert "| fast, next to the slow ones | 20000 | 10000 | **2.00×**" in report
    assert "| slow (2 conn.) |" in report
    assert "**2 connection(s)** send GET /bench/sleep?ms=100, while 64 connections send" in report
    assert "Produced by `scripts/bench --quick` on " in report
    assert "over loopback, prepared statements on" in report
    assert "[t.tsv](t.tsv)" in report


def test_the_plots_are_written_with_the_names_ci_expects(tmp_path):
    status, out = run_main(tmp_path, write(tmp_path, *every_scenario()))
    assert status == 0
    for name in ("t-rps.png", "t-p99.png"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    report = (out / "t.md").read_text(encoding="utf-8")
    assert "![requests/s by connections](t-rps.png)" in report
    assert "![p99 latency by connections](t-p99.png)" in report


def test_the_setup_names_the_latency_proxy_and_pgbouncer(tmp_path):
    status, out = run_main(tmp_path, write(tmp_path, *every_scenario()), "--db-latency-ms", "2.5", "--pgbouncer",
                           "--prepared-statements", "off", "--machine", "Host `vm`", "--command", "coffeehouse serve")
    assert status == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    assert ("reached through tools/latency_proxy adding **2.5 ms per round trip**, **through PgBouncer** in "
            "transaction pooling (default_pool_size 4), prepared statements off") in report
    assert "## Machine\n\n- Host `vm`\n" in report
    assert "```sh\ncoffeehouse serve\n```" in report


def test_wrk_commands_are_listed_by_scenario_in_numeric_order_then_mode(tmp_path):
    status, out = run_main(tmp_path, write(tmp_path, *every_scenario()),
                           "--wrk-command", "get_user@256", "sync", "wrk -c 256 sync",
                           "--wrk-command", "get_user@16", "sync", "wrk -c 16 sync",
                           "--wrk-command", "get_user@16", "async", "wrk -c 16 async",
                           "--wrk-command", "coffee_notes@64", "async", "wrk notes")
    assert status == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    listed = report[report.index("wrk, per scenario and mode"):]
    assert [line for line in listed.splitlines() if line.startswith("# ")] == [
        "# coffee_notes@64, async", "# get_user@16, async", "# get_user@16, sync", "# get_user@256, sync"]


def test_a_tsv_with_other_columns_is_bad_input(tmp_path, capsys):
    tsv = tmp_path / "runs.tsv"
    tsv.write_text("scenario\tmode\nget_user@64\tasync\n", encoding="utf-8")
    status, out = run_main(tmp_path, tsv)
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith("modes report: ") and "expected the columns scenario, mode, connections" in error
    assert error.count("\n") == 1
    assert not (out / "t.md").exists()


def test_an_unknown_mode_names_its_line(tmp_path, capsys):
    status, _ = run_main(tmp_path, write(tmp_path, row("get_user@64", "async", 1), row("get_user@64", "pipelined", 1)))
    assert status == 2
    assert "runs.tsv:3: unknown mode 'pipelined'" in capsys.readouterr().err


def test_an_empty_tsv_is_bad_input(tmp_path, capsys):
    status, _ = run_main(tmp_path, write(tmp_path))
    assert status == 2
    assert "has no runs" in capsys.readouterr().err


def test_a_sweep_that_is_not_connection_counts_is_refused(tmp_path):
    with pytest.raises(SystemExit) as exited:
        run_main(tmp_path, write(tmp_path, *every_scenario()), "--sweep", "1,many")
    assert exited.value.code == 2
