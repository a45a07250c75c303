"""bench/report/chaos.py: the report and the verdict of scripts/chaos."""

import pytest

import chaos

WRK = """Running 12s test @ http://127.0.0.1:1
chaos: stopped_ms 20000
chaos: requests 1000
chaos: status 201 480
chaos: status 200 490
chaos: status 503 30
chaos: socket_errors connect=0 read=0 write=0 timeout=0
chaos: latency_ms p50=1.2 p99=4.5 max=30.1
"""


def scenario_dir(tmp_path, *, events=None, acked=None, stored=(), wrk=WRK, back_ms=10_000, name="s"):
    directory = tmp_path / name
    directory.mkdir()
    (directory / "scenario.tsv").write_text(
        f"mode\tasync\nscenario\trestart\nfault\trestart at 4 s, took 400 ms\nback_ms\t{back_ms}\n", encoding="utf-8")
    (directory / "wrk.txt").write_text(wrk, encoding="utf-8")
    for thread, lines in (events or {}).items():
        (directory / f"events-{thread}.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    for thread, names in (acked or {}).items():
        (directory / f"acked-{thread}.txt").write_text("".join(n + "\n" for n in names), encoding="utf-8")
    (directory / "stored.txt").write_text("".join(n + "\n" for n in stored), encoding="utf-8")
    return directory


def name(thread, counter, sent):
    return f"chaos-ra-abc123-{thread}-{counter}-{sent}"


def test_a_window_lasts_while_any_thread_fails():
    events = [chaos.Event(100, 1, True, 100), chaos.Event(150, 2, True, 150), chaos.Event(300, 1, False, 290),
              chaos.Event(400, 2, False, 390), chaos.Event(1000, 1, True, 1000), chaos.Event(1050, 1, False, 1020)]
    windows = chaos.failure_windows(events)
    assert (windows.count, windows.longest_ms, windows.last_end_ms, windows.still_failing) == (2, 300, 1050, False)


def test_a_thread_that_ends_failing_keeps_the_window_open():
    windows = chaos.failure_windows([chaos.Event(100, 1, True, 100)])
    assert windows.still_failing and windows.count == 0


def test_unacknowledged_writes_split_into_failed_answers_and_writes_in_flight():
    events = [chaos.Event(500, 1, True, 500), chaos.Event(700, 1, False, 650)]
    # Sent before thread 1's last failure (650): answered 503. After it: never answered.
    assert chaos.classify_unacknowledged([name(1, 3, 600), name(1, 9, 900), name(2, 4, 100)], events) == (1, 2)


def test_a_clean_scenario_has_its_row_and_no_problem(tmp_path):
    directory = scenario_dir(
        tmp_path,
        events={1: ["9000 fail 503", "10400 ok 10300"]},
        acked={1: [name(1, 1, 1), name(1, 3, 2)], 2: [name(2, 1, 1)]},
        stored=[name(1, 1, 1), name(1, 3, 2), name(2, 1, 1), name(1, 5, 10_200), name(2, 9, 19_999)])
    result = chaos.analyse(directory, recovery_bound_ms=2000)
    assert result.problems == []
    # 1 window of 1,400 ms, over 400 ms after PostgreSQL was back; 3 acked, none lost; of the two
    # stored but never acknowledged, one was answered 503 (thread 1, before 10,300), one in flight.
    assert result.row == ("| async | restart | restart at 4 s, took 400 ms | 1000 | 970 | 30 | 0 | 0/0/0/0 "
                          "| 1, longest 1400 ms | 400 ms | 4.5 / 30.1 | 3 | 0 | 1 | 1 |")


def test_a_lost_acknowledged_write_is_a_problem(tmp_path):
    directory = scenario_dir(tmp_path, acked={1: [name(1, 1, 1), name(1, 3, 2)]}, stored=[name(1, 1, 1)])
    result = chaos.analyse(directory, recovery_bound_ms=2000)
    assert "async/restart: 1 acknowledged writes lost" in result.problems
    assert "| 2 | 1 |" in result.row


def test_a_write_stored_twice_and_an_unexpected_status_are_problems(tmp_path):
    wrk = WRK.replace("chaos: status 503 30", "chaos: status 503 20\nchaos: status 500 10")
    directory = scenario_dir(tmp_path, wrk=wrk, acked={1: [name(1, 1, 1)]}, stored=[name(1, 1, 1), name(1, 1, 1)])
    [problem] = chaos.analyse(directory, recovery_bound_ms=2000).problems
    assert problem == "async/restart: unexpected answers: 10×500, 1 writes stored twice"


def test_recovery_slower_than_the_bound_and_no_recovery_are_problems(tmp_path):
    slow = scenario_dir(tmp_path, name="slow", events={1: ["9000 fail 503", "13000 ok 12990"]})
    assert chaos.analyse(slow, recovery_bound_ms=2000).problems == [
        "async/restart: every client succeeded only 3000 ms after PostgreSQL was back (bound: 2000 ms)"]
    never = scenario_dir(tmp_path, name="never", events={1: ["9000 fail 503"]})
    assert chaos.analyse(never, recovery_bound_ms=2000).problems == ["async/restart: still failing when wrk stopped"]


def test_wrk_output_without_the_summary_is_an_error(tmp_path, capsys):
    directory = scenario_dir(tmp_path, wrk="Running 12s test\n")
    assert chaos.main([str(directory), "--name", "t", "--setup", "x", "--reproduce", "y",
                       "--recovery-bound-ms", "2000", "--out", str(tmp_path / "r.md")]) == 2
    assert "no 'chaos: requests' line" in capsys.readouterr().err


def test_the_report_lists_the_scenarios_in_order_and_exits_1_on_a_problem(tmp_path, capsys):
    good = scenario_dir(tmp_path, name="good")
    bad = scenario_dir(tmp_path, name="bad", acked={1: [name(1, 1, 1)]})
    out = tmp_path / "report.md"
    assert chaos.main([str(good), str(bad), "--name", "ci", "--setup", "Host: test.", "--reproduce",
                       "scripts/chaos --seconds 12", "--recovery-bound-ms", "2000", "--out", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Chaos run ci\n\nHost: test.\n\n| mode | scenario |")
    rows = [line for line in text.splitlines() if line.startswith("| async |")]
    assert len(rows) == 2 and rows[0].endswith("| 0 | 0 | 0 | 0 |") and "| 1 | 1 |" in rows[1]
    assert "Reproduce: scripts/chaos --seconds 12" in text
    assert "chaos: async/restart: 1 acknowledged writes lost" in capsys.readouterr().err
