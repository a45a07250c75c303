"""bench/report/failover.py: the failover scenario's measurements and verdict (through chaos.py)."""

import pytest

import chaos
import failover

KILL = 1_000_000
# 00:16:41.000 UTC on 1 January 1970 is 1,001,000 ms: the promotion is 1 s after the kill.
PG_LOG = """1970-01-01 00:16:30.000 UTC [10] LOG:  database system is ready to accept read-only connections
1970-01-01 00:16:40.880 UTC [10] LOG:  received promote request
1970-01-01 00:16:40.900 UTC [10] LOG:  selected new timeline ID: 2
1970-01-01 00:16:41.000 UTC [7] LOG:  database system is ready to accept connections
"""
PROMOTED = 1_001_000
HAPROXY_LOG = """[WARNING]  (5) : Server pg_primary/node2 is UP, reason: Layer7 check passed
1970-01-01T00:16:40.950000+00:00 Server pg_primary/node2 is UP, reason: Layer7 check passed, code: 200
1970-01-01T00:16:41.100000+00:00 Server pg_primary/node1 is DOWN, reason: Layer7 wrong status, code: 503
"""
METRICS = """start 999000 app1 db_reads_total{pool="primary"} 0
start 999000 app1 db_reads_total{pool="replica"} 0
kill 1000000 app1 db_reads_total{pool="primary"} 0
kill 1000000 app1 db_reads_total{pool="replica"} 100
kill 1000000 app2 db_reads_total{pool="replica"} 50
promoted 1001100 app1 db_reads_total{pool="primary"} 0
promoted 1001100 app1 db_reads_total{pool="replica"} 160
promoted 1001100 app2 db_reads_total{pool="replica"} 90
end 1006000 app1 db_reads_total{pool="primary"} 40
"""
WRK = """chaos: stopped_ms 1006000
chaos: requests 10
chaos: socket_errors connect=0 read=1 write=0 timeout=0
chaos: latency_ms p50=1.0 p99=5.0 max=900.0
"""


def name(thread, counter, sent):
    return f"chaos-fa-abc123-{thread}-{counter}-{sent}"


def write(thread, counter, sent, answered=None, status=None):
    lines = [f"S {sent} w {name(thread, counter, sent)}"]
    if answered is not None:
        lines.append(f"A {answered} {status}")
    return lines


def read(sent, answered=None, status=None):
    return [f"S {sent} r"] + ([f"A {answered} {status}"] if answered is not None else [])


def failover_dir(tmp_path, requests, stored=(), pg_log=PG_LOG, in_recovery="f"):
    directory = tmp_path / "async-failover"
    directory.mkdir()
    (directory / "scenario.tsv").write_text(
        "mode\tasync\nscenario\tfailover\nfault\tSIGKILL of node1's postmaster at 4 s\n"
        f"kill_ms\t{KILL}\nold_primary\tnode1\nnew_primary\tnode2\nnew_primary_in_recovery\t{in_recovery}\n",
        encoding="utf-8")
    for thread, lines in requests.items():
        (directory / f"requests-{thread}.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (directory / "wrk.txt").write_text(WRK, encoding="utf-8")
    (directory / "stored.txt").write_text("".join(n + "\n" for n in stored), encoding="utf-8")
    (directory / "new-primary-postgresql.log").write_text(pg_log, encoding="utf-8")
    (directory / "haproxy.log").write_text(HAPROXY_LOG, encoding="utf-8")
    (directory / "metrics.txt").write_text(METRICS, encoding="utf-8")
    return directory


def cells(result):
    return [cell.strip() for cell in result.row.strip("|").split("|")]


# A writer (thread 1) whose writes fail from the kill until 200 ms after the promotion, then
# succeed; a reader (thread 2) answered throughout; a writer (thread 5) whose last write was in
# flight when wrk stopped.
def clean_run():
    writer = (write(1, 1, 990_000, 990_002, 201)
              + write(1, 2, 1_000_100, 1_000_400, 503)
              + write(1, 3, 1_000_500, 1_001_200, 503)
              + write(1, 4, 1_001_200, 1_001_250, 201))
    reader = read(999_000, 999_001, 200) + read(1_000_500, 1_000_501, 200) + read(1_001_100, 1_001_101, 200)
    stored = [name(1, 1, 990_000), name(1, 3, 1_000_500), name(1, 4, 1_001_200), name(5, 1, 1_005_990)]
    return {1: writer, 2: reader, 5: write(5, 1, 1_005_990)}, stored


def test_requests_pair_with_their_answers_and_a_failed_connection_ends_at_the_next_request(tmp_path):
    path = tmp_path / "requests-3.txt"
    path.write_text("S 10 w n1\nA 12 201\nS 13 r\nS 20 r\nA 21 200\nS 30 w n2\n", encoding="utf-8")
    assert failover.read_requests(path) == [
        failover.Request(3, "w", 10, 201, 12, "n1"),
        failover.Request(3, "r", 13, None, 20, None),     # its connection failed: a socket error
        failover.Request(3, "r", 20, 200, 21, None),
        failover.Request(3, "w", 30, None, None, "n2"),   # in flight when wrk stopped
    ]


def test_an_answer_without_a_request_is_bad_input(tmp_path):
    path = tmp_path / "requests-1.txt"
    path.write_text("A 12 201\n", encoding="utf-8")
    with pytest.raises(ValueError, match="an answer without a request"):
        failover.read_requests(path)


def test_the_promotion_is_the_first_ready_after_a_promote_request_after_the_kill():
    assert failover.promotion_times(PG_LOG, KILL) == (1_000_880, PROMOTED)
    assert failover.promotion_times(PG_LOG, PROMOTED + 1) == (None, None)


def test_a_log_in_another_time_zone_is_refused():
    with pytest.raises(ValueError, match="log_timezone"):
        failover.promotion_times(PG_LOG.replace(" UTC ", " CET "), KILL)


def test_haproxy_notices_give_when_the_new_primary_came_up():
    assert failover.server_up_time(HAPROXY_LOG, "pg_primary/node2", KILL) == 1_000_950
    assert failover.server_up_time(HAPROXY_LOG, "pg_primary/node1", KILL) is None


def test_a_clean_failover_has_its_times_and_no_problem(tmp_path):
    requests, stored = clean_run()
    result = failover.analyse(failover_dir(tmp_path, requests, stored))
    assert result.problems == []
    assert cells(result) == [
        "async", "880 ms", "1000 ms", "-50 ms",
        "250 ms",                 # first 201 answered after the promotion
        "250 ms",                 # the last failure ended at +200 ms, before the first success
        "1 / 2", "100.00% of 2", "100.00% of 2", "100 / 0",
        "0/1/0/0 (0)", "700 ms", "2", "0",
        "1",                      # answered 503 but committed
        "1",                      # in flight at the end, stored
    ]


def test_writes_failing_past_the_bound_after_the_promotion_fail_the_verdict(tmp_path):
    requests, stored = clean_run()
    requests[1] += write(1, 6, 1_002_000, 1_002_100, 503) + write(1, 7, 1_002_100, 1_002_110, 201)
    result = failover.analyse(failover_dir(tmp_path, requests, stored + [name(1, 7, 1_002_100)]))
    assert cells(result)[5] == "1100 ms"
    assert result.problems == ["async/failover: writes succeeded steadily only 1100 ms after the promotion "
                               "(target: 1000 ms)"]


def test_a_connection_that_failed_counts_as_a_failed_write(tmp_path):
    requests, stored = clean_run()
    # Sent at +1.5 s, no answer, the thread's next request at +1.6 s: writes steady at +1.6 s.
    requests[1] += write(1, 6, 1_001_500) + write(1, 7, 1_001_600, 1_001_610, 201)
    result = failover.analyse(failover_dir(tmp_path, requests, stored + [name(1, 7, 1_001_600)]))
    assert result.problems == []
    assert cells(result)[5] == "600 ms"
    assert cells(result)[10] == "0/1/0/0 (1)"


def test_an_acknowledged_write_missing_on_the_new_primary_is_lost(tmp_path):
    requests, stored = clean_run()
    result = failover.analyse(failover_dir(tmp_path, requests, stored[1:]))
    assert cells(result)[13] == "1"
    assert "async/failover: 1 acknowledged writes lost" in result.problems


def test_reads_below_the_availability_target_fail_the_verdict(tmp_path):
    requests, stored = clean_run()
    requests[2] += read(1_000_600, 1_000_601, 503)
    result = failover.analyse(failover_dir(tmp_path, requests, stored))
    assert cells(result)[7] == "66.67% of 3"
    assert any("reads during the switch: 66.67% of 3" in problem for problem in result.problems)


def test_a_request_waiting_past_the_read_timeout_is_a_hang(tmp_path):
    requests, stored = clean_run()
    requests[3] = read(995_000)   # never answered, wrk stopped at 1,006,000: 11 s
    result = failover.analyse(failover_dir(tmp_path, requests, stored))
    assert cells(result)[11] == "11000 ms"
    assert any("waited 11000 ms" in problem for problem in result.problems)


def test_no_promotion_and_a_check_on_a_standby_fail_the_verdict(tmp_path):
    requests, stored = clean_run()
    result = failover.analyse(failover_dir(tmp_path, requests, stored, pg_log="", in_recovery="t"))
    assert cells(result)[2] == "never"
    assert any("no promotion" in problem for problem in result.problems)
    assert any("not a primary" in problem for problem in result.problems)


def test_chaos_reports_a_failover_in_a_table_of_its_own_and_exits_by_the_verdict(tmp_path, capsys):
    requests, stored = clean_run()
    directory = failover_dir(tmp_path, requests, stored)
    out = tmp_path / "chaos-x.md"
    args = [str(directory), "--name", "x", "--setup", "setup", "--reproduce", "scripts/chaos --scenarios failover",
            "--recovery-bound-ms", "2000", "--out", str(out)]
    assert chaos.main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "## Failover" in text and failover.HEADER in text and chaos.HEADER not in text
    (directory / "stored.txt").write_text("", encoding="utf-8")
    assert chaos.main(args) == 1
    assert "acknowledged writes lost" in capsys.readouterr().err


def test_chaos_exits_2_on_a_failover_directory_it_cannot_read(tmp_path):
    requests, stored = clean_run()
    directory = failover_dir(tmp_path, requests, stored)
    (directory / "wrk.txt").write_text("no summary\n", encoding="utf-8")
    assert chaos.main([str(directory), "--name", "x", "--setup", "s", "--reproduce", "r",
                       "--recovery-bound-ms", "2000", "--out", str(tmp_path / "out.md")]) == 2
