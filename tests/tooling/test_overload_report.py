"""bench/report/overload.py: the report of scripts/bench --overload."""

import pytest

import overload

HEADER = "\t".join(overload.COLUMNS)


def row(mode, connections, requests, non_2xx=0, *, seconds=2.0, p99_us=5000, rss_kb=20_000, timeouts=0,
        cpu_ticks=100, db_ticks=80, wrk_ms=500, machine_ticks=400, status_503=None, rep=1, mean_us=None):
    if mean_us is None:  # as Little's law has it: every connection busy all the time
        mean_us = int(connections * seconds * 1e6 / requests) if requests else 0
    values = [mode, connections, rep, seconds, requests, non_2xx, non_2xx if status_503 is None else status_503, 0,
              timeouts, 1000, p99_us, p99_us * 2, rss_kb, cpu_ticks, db_ticks, wrk_ms, machine_ticks, 100, mean_us]
    return "\t".join(str(value) for value in values)


def write(tmp_path, *rows):
    path = tmp_path / "steps.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_goodput_counts_only_2xx_answers_per_second(tmp_path):
    [step] = overload.read_steps(write(tmp_path, row("async", 4000, requests=50_000, non_2xx=10_000, seconds=2.0)))
    assert step.goodput == 20_000
    assert step.refusals_per_second == 5_000


def test_cpu_per_success_divides_the_ticks_by_the_2xx_answers_only(tmp_path):
    [step] = overload.read_steps(write(tmp_path, row("async", 64, requests=30_000, non_2xx=10_000, cpu_ticks=200)))
    # 200 ticks at 100 per second = 2 s of CPU over 20,000 successes.
    assert step.cpu_us_per_success == pytest.approx(100.0)


def test_every_party_s_cpu_is_divided_by_the_same_2xx_answers(tmp_path):
    [step] = overload.read_steps(write(tmp_path, row("async", 64, requests=30_000, non_2xx=10_000, db_ticks=50,
                                                     wrk_ms=300, machine_ticks=600)))
    assert step.db_us_per_success == pytest.approx(25.0)        # 0.5 s over 20,000
    assert step.wrk_us_per_success == pytest.approx(15.0)       # 300 ms is 0.3 s
    assert step.machine_us_per_success == pytest.approx(300.0)  # 6 s of every CPU's busy time


def test_a_goodput_verdict_says_whose_cpu_per_answer_grew(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=60_000, cpu_ticks=120, db_ticks=90, wrk_ms=300, machine_ticks=360),
        row("async", 9000, requests=45_000, cpu_ticks=135, db_ticks=90, wrk_ms=450, machine_ticks=360),
    ))
    by_target = {verdict.target: verdict for verdict in overload.verdicts(steps, read_timeout_ms=10_000)}
    measured = by_target["async, 9,000 connections: 2xx/s ≥ 90% of 64"].measured
    # Per 2xx (ticks at 100 a second): the service 1.2 s over 60,000 = 20 µs, then 1.35 s over 45,000
    # = 30; PostgreSQL 15 -> 20, wrk 5 -> 10, the machine 60 -> 80.
    assert "(75%); CPU µs per 2xx: service 20.0 → 30.0, PostgreSQL 15.0 → 20.0, wrk 5.0 → 10.0, " \
           "machine 60.0 → 80.0 (the machine's cost per answer allows 75%)" in measured


def test_no_success_has_no_cpu_per_success(tmp_path):
    [step] = overload.read_steps(write(tmp_path, row("async", 64, requests=5, non_2xx=5)))
    assert step.cpu_us_per_success is None
    assert step.machine_us_per_success is None


def test_goodput_holding_at_capacity_meets_the_target_and_a_collapse_does_not(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=60_000),        # 30k/s
        row("async", 4000, requests=56_000),      # 28k/s: 93 %
        row("async", 9000, requests=60_000, non_2xx=58_000),  # 1k/s: collapsed
    ))
    by_target = {verdict.target: verdict for verdict in overload.verdicts(steps, read_timeout_ms=10_000)}
    assert by_target["async, 4,000 connections: 2xx/s ≥ 90% of 64"].met
    collapsed = by_target["async, 9,000 connections: 2xx/s ≥ 90% of 64"]
    assert not collapsed.met
    assert "(3%)" in collapsed.measured


def test_p99_timeouts_and_rss_are_judged_at_their_steps(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=60_000),
        row("async", 9000, requests=60_000, p99_us=12_000_000, timeouts=3, rss_kb=120 * 1024),
        row("sync", 9000, requests=60_000, rss_kb=50 * 1024),
    ))
    by_target = {verdict.target: verdict for verdict in overload.verdicts(steps, read_timeout_ms=10_000)}
    assert not by_target["async, 9,000 connections: p99 below the read timeout (10,000 ms)"].met
    assert not by_target["async, 9,000 connections: no socket timeouts"].met
    assert not by_target["async, 9,000 connections: RSS ≤ 100 MB"].met
    assert by_target["sync, 9,000 connections: RSS ≤ 100 MB"].met
    # 4,000 connections did not run: no verdict is made up for it.
    assert not any("4,000" in target for target in by_target)


def test_the_report_has_a_row_per_step_async_first_and_writes_the_plot(tmp_path):
    tsv = write(tmp_path, row("sync", 64, 40_000), row("async", 9000, 50_000), row("async", 64, 60_000))
    out = tmp_path / "out"
    out.mkdir()
    assert overload.main([str(tsv), "--name", "t", "--out-dir", str(out), "--setup", "a machine",
                          "--command", "scripts/bench --overload"]) == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    table = [line for line in report.splitlines() if line.startswith(("| async |", "| sync |"))]
    assert [line.split("|")[1:3] for line in table] == [[" async ", " 64 "], [" async ", " 9,000 "], [" sync ", " 64 "]]
    assert "| async | 64 | 30,000 | 0 |" in report
    # 100 service ticks, 80 of PostgreSQL's, 500 ms of wrk's, 400 machine ticks over 60,000 answers in 2 s.
    assert "| 16.7 | 13.3 | 8.3 | 66.7 | 64 | 1 |" in report
    assert all(line.endswith("| 1 |") for line in table)  # one run each
    assert "scripts/bench --overload" in report
    assert (out / "t-goodput.png").read_bytes().startswith(b"\x89PNG")


def test_an_empty_tsv_is_an_error(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    assert overload.main([str(write(tmp_path)), "--name", "t", "--out-dir", str(out), "--setup", "x"]) == 2
    assert "has no steps" in capsys.readouterr().err


def test_repetitions_report_medians_of_rates_totals_of_errors_and_the_first_runs_rss(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 9000, requests=50_000, rep=2, timeouts=0, rss_kb=70_000, p99_us=9_000),
        row("async", 9000, requests=40_000, rep=1, timeouts=1, rss_kb=60_000, p99_us=4_000),
        row("async", 9000, requests=90_000, rep=3, timeouts=2, rss_kb=65_000, p99_us=5_000),
    ))
    [point] = overload.points(steps)
    assert point.reps == 3
    assert point.goodput == 25_000        # the median run's 50,000 over 2 s, not the mean
    assert point.p99_us == 5_000
    assert point.timeouts == 3
    assert point.rss_peak_kb == 60_000     # later runs start where the allocator left off


def test_verdicts_judge_the_medians_not_one_lucky_run(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        *(row("async", 64, requests=60_000, rep=rep) for rep in (1, 2, 3)),
        row("async", 4000, requests=60_000, rep=1),   # one run at 100 %
        row("async", 4000, requests=40_000, rep=2),   # two at 67 %
        row("async", 4000, requests=40_000, rep=3),
    ))
    by_target = {verdict.target: verdict for verdict in overload.verdicts(steps, read_timeout_ms=10_000)}
    assert not by_target["async, 4,000 connections: 2xx/s ≥ 90% of 64"].met


def test_a_goodput_verdict_shows_each_run_against_its_own_64(tmp_path):
    # Two runs hold 92 % of their own 64; the third fell to 67 %. The verdict is on the medians
    # (45k at 64, 32.2k at 9,000: 72 %); the pairs beside it show how far the runs spread.
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=100_000, rep=1), row("async", 9000, requests=92_000, rep=1),
        row("async", 64, requests=70_000, rep=2), row("async", 9000, requests=64_400, rep=2),
        row("async", 64, requests=90_000, rep=3), row("async", 9000, requests=60_000, rep=3),
    ))
    assert overload.paired_shares(steps, 9000) == pytest.approx([0.92, 0.92, 2 / 3])
    verdict = {v.target: v for v in overload.verdicts(steps, read_timeout_ms=10_000)}[
        "async, 9,000 connections: 2xx/s ≥ 90% of 64"]
    assert not verdict.met
    assert "(72%); each run against its own 64: 92%, 92%, 67%;" in verdict.measured


def test_a_run_without_its_own_64_is_left_out_of_the_pairs(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=100_000, rep=1), row("async", 9000, requests=80_000, rep=1),
        row("async", 9000, requests=99_000, rep=2),
    ))
    assert overload.paired_shares(steps, 9000) == pytest.approx([0.80])


def test_wrk_latencies_that_break_littles_law_are_flagged(tmp_path):
    consistent, broken = overload.read_steps(write(
        tmp_path,
        # 64 connections, 20,000 answers/s: a mean of 3.2 ms keeps all 64 busy, no more.
        row("async", 64, requests=40_000, seconds=2.0, mean_us=3_200),
        # A mean of 31.5 ms at 33,585 answers/s would take about 1,058 requests in flight.
        row("async", 64, requests=67_170, seconds=2.0, mean_us=31_500, rep=2)))
    assert consistent.in_flight_by_wrk == pytest.approx(64.0)
    assert consistent.latencies_consistent
    assert broken.in_flight_by_wrk == pytest.approx(1_057.9, rel=1e-3)
    assert not broken.latencies_consistent


def test_the_report_says_where_wrk_latencies_cannot_be_trusted(tmp_path):
    steps = overload.read_steps(write(
        tmp_path,
        row("async", 64, requests=40_000, seconds=2.0),
        row("async", 4000, requests=40_000, seconds=2.0),
        row("async", 9000, requests=40_000, seconds=2.0, mean_us=2_000_000)))   # 40,000 in flight
    report = overload.markdown(steps, title="t", setup="s", commands=[], plot_name="p.png", read_timeout_ms=10_000)
    assert "**wrk's latencies are not to be trusted at async 9,000 (1 of 1 runs)**" in report
    assert "| 40,000 **(> connections)** |" in report
    assert "| 64 | 1 |" in report                      # the 64-connection step: 64 in flight, not flagged
