"""bench/report/limit.py: the report of scripts/bench --limit and --soak."""

import pytest

import limit

HEADER = "\t".join(limit.COLUMNS)
LABELS = {"user": "GET /users/{id}", "country": "GET /users?country=&limit=20", "search": "GET /coffee/search?title=",
          "notes": "GET /coffee/notes"}


def pgbench(route, clients, tps, *, round=1, p99_us=800):
    return "\t".join(str(v) for v in (route, "pgbench", clients, round, tps, 200, p99_us, 0, 0, ""))


def service(route, rps, *, round=1, p50_us=4000, p99_us=9000, rss_kb=16_000, errors=0, cpu="30.0"):
    return "\t".join(str(v) for v in (route, "service", 64, round, rps, p50_us, p99_us, rss_kb, errors, cpu))


def write(tmp_path, *rows, name="limit.tsv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_soak(tmp_path, samples):
    return write(tmp_path, *(f"{seconds}\t{rss}" for seconds, rss in samples), name="soak.tsv",
                 header="seconds\trss_kb")


def summaries(tmp_path, *rows):
    return {s.route: s for s in limit.summarize(limit.read_runs(write(tmp_path, *rows)))}


def route_arguments(tmp_path, *routes):
    arguments = []
    for route in routes:
        sql = tmp_path / f"pgbench-{route}.sql"
        sql.write_text("".join(f"line {n}\n" for n in range(1, 21)), encoding="utf-8")
        arguments += ["--route", route, LABELS[route], str(sql), f"PGPASSWORD=*** pgbench {route}", f"wrk {route}"]
    return arguments


def run_main(tmp_path, *arguments):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    status = limit.main(["--name", "t", "--out-dir", str(out), "--produced-by", "scripts/bench --limit --quick",
                         "--elapsed-seconds", "39", "--service", "Dataset: **10000 users**.", *arguments])
    return status, out


def limit_arguments(tsv):
    return ["--limit-tsv", str(tsv), "--clients", "4,8,16", "--connections", "64", "--repeat", "1", "--duration", "2"]


SOAK_ARGUMENTS = ["--soak-seconds", "300", "--soak-wrk-processes", "4", "--soak-requests", "60856",
                  "--soak-errors", "0", "--soak-hwm-kb", "17000", "--soak-command", "wrk soak"]


def test_the_limit_is_the_best_pgbench_run_of_the_round_and_its_p99(tmp_path):
    [summary] = summaries(tmp_path, pgbench("user", 4, 20_000, p99_us=700), pgbench("user", 8, 28_000, p99_us=1300),
                          pgbench("user", 16, 27_000, p99_us=2100), service("user", 14_000)).values()
    assert summary.limit_tps == 28_000
    assert summary.best_clients == [8]
    assert summary.limit_p99_us == 1300
    assert summary.ratio == pytest.approx(0.5)


def test_the_ratio_is_taken_within_each_round_then_the_median(tmp_path):
    # Rounds: 10k/20k = 0.5, 30k/40k = 0.75, 20k/50k = 0.4, 45k/50k = 0.9. The median of the ratios is 0.625;
    # the ratio of the medians (25k / 45k) would be 0.56.
    found = summaries(tmp_path,
                      pgbench("user", 4, 20_000, round=1), service("user", 10_000, round=1),
                      pgbench("user", 4, 40_000, round=2), service("user", 30_000, round=2),
                      pgbench("user", 4, 50_000, round=3), service("user", 20_000, round=3),
                      pgbench("user", 8, 50_000, round=4), service("user", 45_000, round=4))
    summary = found["user"]
    assert summary.ratio == pytest.approx((0.5 + 0.75) / 2)       # median of 0.4, 0.5, 0.75, 0.9
    assert summary.service_rps == 25_000                          # median of the service's req/s
    assert summary.limit_tps == 45_000                            # median of the limits
    assert summary.best_clients == [4, 4, 4, 8]


def test_the_service_takes_its_highest_peak_rss_its_errors_and_the_cpu_of_the_rounds_that_answered(tmp_path):
    summary = summaries(tmp_path,
                        pgbench("notes", 4, 20_000, round=1), service("notes", 10_000, round=1, rss_kb=16_000,
                                                                      errors=2, cpu="n/a"),
                        pgbench("notes", 4, 20_000, round=2), service("notes", 10_000, round=2, rss_kb=18_000,
                                                                      errors=1, cpu="40.0"))["notes"]
    assert summary.peak_rss_kb == 18_000
    assert summary.errors == 3
    assert summary.cpu_us_per_request == 40.0


def test_each_route_is_judged_against_its_own_target(tmp_path):
    found = summaries(tmp_path,
                      pgbench("user", 4, 10_000), service("user", 7_500),         # 0.75 < 0.80
                      pgbench("country", 4, 10_000), service("country", 7_500))   # 0.75 ≥ 0.70
    assert not found["user"].met
    assert found["country"].met


def test_the_report_has_a_row_per_route_in_the_order_they_ran_and_exits_1_on_a_missed_target(tmp_path, capsys):
    tsv = write(tmp_path, pgbench("country", 4, 5_194), service("country", 4_115, p50_us=13_370, p99_us=45_130,
                                                               rss_kb=16_716, cpu="82.2"),
                pgbench("user", 8, 28_753, p99_us=1_310), service("user", 12_190, rss_kb=16_716, cpu="33.1",
                                                                 p50_us=4_240, p99_us=27_190))
    status, out = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user", "country"))
    assert status == 1
    assert "limit report: user: ratio 0.42× below the target 0.80×" in capsys.readouterr().err
    report = (out / "t.md").read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| GET")]
    assert rows == [
        "| GET /users?country=&limit=20 | 4115 | 82.2 | 5194 (4) | **0.79×** | ≥ 0.70× (met) | 13.37 / 45.13 "
        "| 0.80 | 16.3 | 0 |",
        "| GET /users/{id} | 12190 | 33.1 | 28753 (8) | **0.42×** | ≥ 0.80× (not met) | 4.24 / 27.19 | 1.31 "
        "| 16.3 | 0 |",
    ]
    assert "at 4,8,16 clients, then wrk at 64 connections" in report
    assert "Targets: p99 under 10 ms at 64 connections" in report
    assert "## Soak" not in report


def test_every_target_met_exits_0(tmp_path):
    tsv = write(tmp_path, pgbench("user", 4, 10_000), service("user", 9_000))
    status, _ = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user"))
    assert status == 0


def test_each_route_has_its_commands_and_the_first_lines_of_its_pgbench_script(tmp_path):
    tsv = write(tmp_path, pgbench("user", 4, 10_000), service("user", 9_000))
    status, out = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user"),
                           "--command", "DATABASE_URL=*** coffeehouse serve")
    assert status == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    assert "<details><summary>GET /users/{id}: pgbench and wrk</summary>" in report
    assert "```sh\nPGPASSWORD=*** pgbench user\nwrk user\n```" in report
    assert "`pgbench-user.sql` (the largest are cut to their first 12 lines)" in report
    assert "line 12\n```" in report and "line 13" not in report
    assert "```sh\nDATABASE_URL=*** coffeehouse serve\n```" in report


def test_the_limit_plot_is_written(tmp_path):
    tsv = write(tmp_path, pgbench("user", 4, 10_000), service("user", 9_000),
                pgbench("notes", 4, 10_000), service("notes", 3_000))
    status, out = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user", "notes"))
    assert status == 1
    data = (out / "t-limit.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
    assert "![service req/s and p99 against pgbench's, per route](t-limit.png)" in (out / "t.md").read_text()
    assert not (out / "t-soak.png").exists()


def test_a_soak_settles_after_a_minute_and_its_trend_is_the_least_squares_slope(tmp_path):
    # A start-up spike in the first minute, then 2 KiB per 5 s: 24 KiB per minute.
    samples = [(0, 9_000), (30, 20_000)] + [(t, 16_000 + 2 * (t - 60) // 5) for t in range(60, 305, 5)]
    summary = limit.summarize_soak(limit.read_samples(write_soak(tmp_path, samples)), 300)
    assert summary.settle_seconds == 60
    assert summary.settle_rss_kb == 16_000
    assert summary.end_rss_kb == 16_000 + 2 * 240 // 5
    assert summary.growth_kb == 96
    assert summary.trend_kb_per_minute == pytest.approx(24.0)
    assert summary.peak_rss_kb == 16_096     # from the settled samples: the spike at 30 s is not among them


def test_a_short_soak_settles_after_its_first_fifth(tmp_path):
    summary = limit.summarize_soak(limit.read_samples(write_soak(tmp_path, [(0, 100), (5, 200), (10, 200)])), 10)
    assert (summary.settle_seconds, summary.settle_rss_kb) == (5, 200)
    assert summary.trend_kb_per_minute == 0


def test_a_soak_alone_has_its_table_and_plot_and_no_routes(tmp_path):
    soak = write_soak(tmp_path, [(t, 16_000 + t) for t in range(0, 305, 5)])
    status, out = run_main(tmp_path, "--soak-tsv", str(soak), *SOAK_ARGUMENTS)
    assert status == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    assert "## Soak: 300 s, every read route at once" in report
    assert "4 wrk processes (one per route) for 300 s (60856 requests, 0 errors)" in report
    assert "| 16060 KiB | 16300 KiB | 16300 KiB | 17000 KiB | +240 KiB | +60.0 KiB/min |" in report
    assert "| Route |" not in report
    assert "```sh\nwrk soak &\n```" in report
    assert (out / "t-soak.png").read_bytes().startswith(b"\x89PNG")
    assert not (out / "t-limit.png").exists()


def test_a_soak_without_a_sample_after_settling_is_bad_input(tmp_path, capsys):
    status, _ = run_main(tmp_path, "--soak-tsv", str(write_soak(tmp_path, [(0, 100), (30, 100)])), *SOAK_ARGUMENTS)
    assert status == 2
    assert "limit report: no RSS sample at or after 60 s of the soak" in capsys.readouterr().err


def test_a_round_of_the_service_without_pgbench_is_bad_input(tmp_path, capsys):
    tsv = write(tmp_path, pgbench("user", 4, 10_000, round=1), service("user", 9_000, round=2))
    status, out = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user"))
    assert status == 2
    assert "user, round 2: the service ran but pgbench did not" in capsys.readouterr().err
    assert not (out / "t.md").exists()


def test_a_route_without_its_label_and_commands_is_bad_input(tmp_path, capsys):
    tsv = write(tmp_path, pgbench("user", 4, 10_000), service("user", 9_000))
    status, _ = run_main(tmp_path, *limit_arguments(tsv))
    assert status == 2
    assert "no --route for user" in capsys.readouterr().err


def test_an_unknown_route_names_its_line(tmp_path, capsys):
    tsv = write(tmp_path, pgbench("user", 4, 10_000), service("coffee", 9_000))
    status, _ = run_main(tmp_path, *limit_arguments(tsv), *route_arguments(tmp_path, "user"))
    assert status == 2
    assert "limit.tsv:3: unknown route 'coffee'" in capsys.readouterr().err


def test_nothing_to_report_or_a_missing_setting_is_bad_input(tmp_path, capsys):
    assert run_main(tmp_path)[0] == 2
    assert "give --limit-tsv, --soak-tsv or both" in capsys.readouterr().err
    soak = write_soak(tmp_path, [(t, 100) for t in range(0, 305, 5)])
    assert run_main(tmp_path, "--soak-tsv", str(soak), "--soak-seconds", "300")[0] == 2
    assert "--soak-wrk-processes, --soak-requests, --soak-errors, --soak-hwm-kb missing" in capsys.readouterr().err
