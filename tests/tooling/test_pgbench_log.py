"""bench/report/pgbench_log.py: p50 and p99 of pgbench's per-transaction logs."""

import pgbench_log


def log(tmp_path, name, times):
    path = tmp_path / name
    path.write_text("".join(f"0 {n} {time} 0 1733000000 {n}\n" for n, time in enumerate(times)), encoding="utf-8")
    return path


def test_the_percentiles_are_taken_over_every_thread_s_log_sorted(tmp_path, capsys):
    # 1..100 µs, shuffled over two logs: rank 50 is 50, rank 99 is 99.
    first = log(tmp_path, "log.1", range(100, 0, -2))
    second = log(tmp_path, "log.1.1", range(1, 100, 2))
    assert pgbench_log.main([str(first), str(second)]) == 0
    assert capsys.readouterr().out == "50 99\n"


def test_few_transactions_take_the_first_rank_at_least(tmp_path, capsys):
    assert pgbench_log.main([str(log(tmp_path, "log.1", [700, 300]))]) == 0
    assert capsys.readouterr().out == "300 300\n"       # floor(2 × 0.99) = 1


def test_a_log_without_transactions_gives_zeros(tmp_path, capsys):
    assert pgbench_log.main([str(log(tmp_path, "log.1", []))]) == 0
    assert capsys.readouterr().out == "0 0\n"


def test_a_line_that_is_not_pgbench_s_is_bad_input(tmp_path, capsys):
    path = tmp_path / "log.1"
    path.write_text("0 0 120 0 1733000000 5\nnot a log line\n", encoding="utf-8")
    assert pgbench_log.main([str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("pgbench log: ") and "log.1:2:" in error


def test_a_missing_log_is_bad_input(tmp_path, capsys):
    assert pgbench_log.main([str(tmp_path / "log.*")]) == 2
    assert "No such file" in capsys.readouterr().err
