"""bench/report/reference.py: the report of scripts/bench --with-reference."""

import pytest

import reference

HEADER = "\t".join(reference.COLUMNS)


def row(server, connections, requests, *, threads=2, pool=4, seconds=10.0, rep=1, non_2xx=0, timeouts=0,
        p99_us=5000, server_ticks=100, db_ticks=0, proxy_ticks=0, wrk_ms=0, machine_ticks=None, wall_seconds=None,
        route="country", calibration=0):
    """A run. CPU in ticks of 10 ms (100 per second), wrk's in ms; by default nothing else ran."""
    if server == "flask":
        pool = 0
    if machine_ticks is None:
        machine_ticks = server_ticks + db_ticks + proxy_ticks + wrk_ms // 10
    values = [route, server, threads, pool, connections, rep, calibration, seconds, requests, non_2xx, 0, timeouts,
              2000, 1500, p99_us, p99_us * 2, server_ticks, db_ticks, proxy_ticks, wrk_ms, machine_ticks,
              seconds if wall_seconds is None else wall_seconds, 100]
    return "\t".join(str(value) for value in values)


def write(tmp_path, *rows):
    path = tmp_path / "runs.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def model_of(tmp_path, *rows, cpus=2):
    return reference.Model(reference.read_runs(write(tmp_path, *rows)), cpus)


def by_label(predictions):
    return {prediction.config.label: prediction for prediction in predictions}


def test_an_unknown_server_names_its_line(tmp_path):
    with pytest.raises(ValueError, match=r"runs.tsv:2: unknown server 'django'"):
        reference.read_runs(write(tmp_path, row("django", 1, 400)))


def test_throughput_counts_2xx_answers_and_server_cpu_is_per_answer(tmp_path):
    [run] = reference.read_runs(write(tmp_path, row("flask", 64, 3_000, non_2xx=1_000, seconds=10.0,
                                                    server_ticks=150)))
    assert run.throughput == 200
    # 150 ticks at 100 per second = 1.5 s of CPU over 2,000 answers.
    assert run.server_cpu_us == pytest.approx(750.0)


def test_cpu_per_request_is_every_serving_process_and_others_are_what_the_machine_did_besides(tmp_path):
    [run] = reference.read_runs(write(tmp_path, row(
        "async", 1, 4_000, seconds=10.0, wall_seconds=10.0,
        server_ticks=20, db_ticks=50, proxy_ticks=10, wrk_ms=200,  # 0.2 + 0.5 + 0.1 + 0.2 s
        machine_ticks=600)))                                        # 6 s busy: 5 s of it someone else's
    assert run.stack_cpu_us == pytest.approx(250.0)                 # 1 s over 4,000 requests
    assert run.server_cpu_us == pytest.approx(50.0)
    assert run.others_cpus == pytest.approx(0.5)                    # 5 s of CPU over 10 s


def test_each_ceiling_is_its_concurrency_over_the_time_per_request_at_one_connection(tmp_path):
    model = model_of(
        tmp_path,
        row("flask", 1, 1_000, server_ticks=10),   # W = 10 ms; 100 µs CPU: 20,000 req/s, not the limit
        row("flask", 64, 1_900, server_ticks=19),
        row("sync", 1, 4_000, server_ticks=40),    # W = 2.5 ms
        row("sync", 64, 8_400, server_ticks=84),
        row("async", 1, 4_000, server_ticks=40),   # W = 2.5 ms, pool 4
        row("async", 64, 15_000, server_ticks=150),
    )
    ceilings = by_label(model.ceilings())
    flask = ceilings["Flask/Gunicorn, 2 sync workers"]
    assert flask.predicted == pytest.approx(200)     # 2 workers ÷ 10 ms
    assert flask.limit == "workers"
    assert flask.difference == pytest.approx(-0.05)  # 190 measured
    assert flask.within_target
    sync = ceilings["coffeehouse sync, 2 threads"]
    assert sync.predicted == pytest.approx(800)      # 2 threads ÷ 2.5 ms
    assert sync.limit == "threads"
    assert sync.difference == pytest.approx(0.05)
    async_ = ceilings["coffeehouse async, 2 threads, pool 4"]
    assert async_.predicted == pytest.approx(1_600, rel=1e-4)  # pool 4 ÷ 2.5 ms: 100 µs of CPU, hardly waiting
    assert async_.limit == "pool"
    assert async_.difference == pytest.approx(1_500 / 1_600 - 1, abs=1e-4)


def test_a_cpu_cost_is_its_own_work_plus_a_share_of_the_wake_ups():
    cost = reference.CpuCost.through(0.002, 0.001, 61.0)
    assert cost.at(1.0) == pytest.approx(0.002)          # alone: every wake-up its own
    assert cost.at(0.3) == pytest.approx(0.002)          # never less than one at the CPUs
    assert cost.at(61.0) == pytest.approx(0.001)
    assert cost.at(1.0) > cost.at(4.0) > cost.at(16.0) > cost.at(61.0) > cost.at(1_000.0) > cost.own_seconds
    # Where the loaded cost is no lower, or was measured with no more than one at the CPUs: one value.
    assert reference.CpuCost.through(0.002, 0.003, 61.0) == reference.CpuCost(0.003)
    assert reference.CpuCost.through(0.002, 0.001, 0.8) == reference.CpuCost(0.001)


def calibrated_model(tmp_path, *measured):
    """W = 2.5 ms for async mode: alone a request costs 2 ms of CPU (server, PostgreSQL, proxy and
    wrk all wake up for it). The cost calibration (pool 64, 256 connections): 2,000 req/s at 0.9 and
    1.1 ms a request (two runs), so C = 1 ms with Q = 64 − 2,000 × (2.5 − 1) ms = 61 at the CPUs. The
    ceiling calibration (pool 128): 1,800 req/s at 1 ms, so N = 1.8 CPUs."""
    return model_of(
        tmp_path,
        row("async", 1, 4_000, pool=4, server_ticks=200, db_ticks=400, proxy_ticks=100, wrk_ms=1_000),
        *measured,
        row("async", 256, 20_000, pool=64, server_ticks=1_800, calibration=reference.COST, rep=1),
        row("async", 256, 20_000, pool=64, server_ticks=2_200, calibration=reference.COST, rep=2),
        row("async", 256, 18_000, pool=128, server_ticks=1_800, calibration=reference.CEILING),
    )


def test_the_cost_calibration_sets_async_modes_cpu_curve_and_the_ceiling_calibration_the_cpus(tmp_path):
    model = calibrated_model(tmp_path)
    assert (model.cost.config.pool, model.cost.connections, model.cost.reps) == (64, 256, 2)
    assert (model.ceiling.config.pool, model.ceiling.connections) == (128, 256)
    assert model.cpus == pytest.approx(1.8)
    costs = model.costs_of(reference.Config("async", 2, 8))
    assert costs.cpu_source == "cost calibration, pool 64"
    assert costs.seconds_per_request == pytest.approx(0.0025)
    assert costs.cpu_seconds_alone == pytest.approx(0.002)
    assert costs.cpu.at(1.0) == pytest.approx(0.002)
    assert costs.cpu.at(61.0) == pytest.approx(0.001)


def test_each_pool_takes_c_from_the_cost_calibrations_along_the_pools(tmp_path):
    """A request costs more with more backends in use: calibrated at pools 32 and 64 (C = 0.8 and
    1 ms), pool 48 gets the curve halfway, pools at or below 32 the first, pools above 64 the last."""
    model = calibrated_model(
        tmp_path,
        # Q = 32 − 2,000 × (2.5 − 0.8) ms = 28.6 at the CPUs.
        row("async", 256, 20_000, pool=32, server_ticks=1_600, calibration=reference.COST),
    )
    assert [point.config.pool for point in model.cost_calibrations] == [32, 64]
    assert model.cost.config.pool == 64
    at32, at64 = (model.costs_of(reference.Config("async", 2, pool)) for pool in (32, 64))
    assert at32.cpu_source == "cost calibration, pool 32"
    assert at32.cpu.at(28.6) == pytest.approx(0.0008)
    assert at32.cpu.at(1.0) == pytest.approx(0.002)          # alone it is C alone, whatever the pool
    assert at64.cpu.at(61.0) == pytest.approx(0.001)
    assert model.costs_of(reference.Config("async", 2, 8)).cpu == at32.cpu
    assert model.costs_of(reference.Config("async", 2, 128)).cpu == at64.cpu
    at48 = model.costs_of(reference.Config("async", 2, 48))
    assert at48.cpu_source == "cost calibrations, pools 32 and 64"
    assert at48.cpu.own_seconds == pytest.approx((at32.cpu.own_seconds + at64.cpu.own_seconds) / 2)
    assert at48.cpu.shared_seconds == pytest.approx((at32.cpu.shared_seconds + at64.cpu.shared_seconds) / 2)
    # The calibration runs are not points.
    assert [point.config.pool for point in model.points] == [4]


def test_each_async_prediction_operates_where_its_requests_at_the_cpus_give_the_cpu_it_assumed(tmp_path):
    model = calibrated_model(
        tmp_path,
        row("async", 128, 10_000, pool=4),
        row("async", 128, 15_000, pool=8),
        row("async", 128, 14_000, pool=64),
    )
    sweep = model.pool_sweep()
    assert [prediction.config.pool for prediction in sweep] == [4, 8, 64]   # the calibrations are not points
    costs = model.costs_of(reference.Config("async", 2, 4))
    for prediction in sweep:
        operating = prediction.operating
        # Self-consistent: the network at C(Q) leaves Q requests outside the delay W − C(Q).
        assert operating.cpu_seconds == pytest.approx(costs.cpu.at(operating.at_cpus))
        delay = 0.0025 - operating.cpu_seconds
        assert operating.at_cpus == pytest.approx(prediction.in_flight - prediction.predicted * delay, abs=0.05)
        assert prediction.predicted == pytest.approx(
            reference.closed_network_throughput(prediction.in_flight, delay, operating.cpu_seconds, 1.8))
        assert prediction.cpu_bound == pytest.approx(1.8 / operating.cpu_seconds)
        assert prediction.waiting_bound == pytest.approx(prediction.in_flight / 0.0025)
    four, eight, sixty_four = sweep
    # More in flight, more at the CPUs, each request cheaper.
    assert four.operating.at_cpus < eight.operating.at_cpus < sixty_four.operating.at_cpus
    assert four.operating.cpu_seconds > eight.operating.cpu_seconds > sixty_four.operating.cpu_seconds
    # Four in flight: 2.6 at the CPUs, each request 1.37 ms, so 1.8 CPUs ÷ C(Q) = 1,315 < 4 ÷ W = 1,600;
    # at the knee the prediction is below both.
    assert four.operating.at_cpus == pytest.approx(2.64, abs=0.05)
    assert four.limit == "CPU"
    assert four.predicted < 0.95 * four.cpu_bound
    # 64 in flight: 61 at the CPUs, as in the calibration, so its 1 ms and N ÷ C = 1,800.
    assert sixty_four.operating.at_cpus == pytest.approx(61, abs=0.5)
    assert sixty_four.predicted == pytest.approx(1_800, rel=1e-3)
    assert sixty_four.difference == pytest.approx(1_400 / sixty_four.predicted - 1)
    assert sixty_four.within_target is False


def test_with_one_cost_the_operating_point_is_the_closed_network():
    point = reference.operating_point(8, 0.0025, reference.CpuCost(0.0005), 2.0)
    assert point.throughput == pytest.approx(reference.closed_network_throughput(8, 0.002, 0.0005, 2.0))
    assert point.cpu_seconds == 0.0005
    assert reference.operating_point(0, 0.0025, reference.CpuCost(0.0005), 2.0).throughput == 0


def test_a_cost_that_falls_only_with_more_at_the_cpus_lowers_the_knee():
    floor = reference.CpuCost(0.0004)
    falling = reference.CpuCost.through(0.0008, 0.0004, 60.0)
    at_knee = reference.operating_point(16, 0.0025, falling, 2.0)
    assert at_knee.cpu_seconds > 0.0004
    assert at_knee.throughput < reference.operating_point(16, 0.0025, floor, 2.0).throughput


def test_the_cpus_are_those_the_stack_kept_busy_in_the_ceiling_calibration(tmp_path):
    model = model_of(
        tmp_path,
        row("async", 1, 4_000, pool=4, server_ticks=200),
        row("async", 128, 19_000, pool=64),
        # 1,600 req/s at 1 ms of CPU each: the stack kept 1.6 of the 2 CPUs busy.
        row("async", 256, 16_000, pool=128, server_ticks=1_600, calibration=reference.CEILING),
    )
    assert model.cpus == pytest.approx(1.6)
    # Without a cost calibration C is the configured pool's under load: here its run at one connection.
    [ceiling] = model.pool_sweep()
    assert ceiling.cpu_bound == pytest.approx(1.6 / 0.0005)


def test_without_calibrations_async_mode_takes_its_cpu_from_the_configured_pool_under_load(tmp_path):
    model = model_of(
        tmp_path,
        row("async", 1, 4_000, pool=4, server_ticks=200),
        row("async", 128, 15_000, pool=4, server_ticks=1_500),   # 15 s over 15,000: 1 ms
        row("async", 128, 19_000, pool=8),
    )
    costs = model.costs_of(reference.Config("async", 2, 8))
    assert costs.cpu == reference.CpuCost(0.001)
    assert costs.cpu_source == "under load"
    assert model.cpus == 2.0


def test_the_closed_network_is_k_over_w_without_queueing_and_approaches_both_bounds():
    # One CPU, one request: no one to wait for.
    assert reference.closed_network_throughput(1, 0.002, 0.001, 1) == pytest.approx(1 / 0.003)
    # As many requests as CPUs: still no one waits.
    assert reference.closed_network_throughput(2, 0.002, 0.001, 2) == pytest.approx(2 / 0.003)
    # Two requests on one CPU with no delay: the CPU is always busy, 1 / C.
    assert reference.closed_network_throughput(2, 0.0, 0.001, 1) == pytest.approx(1_000)
    # Textbook case (one queueing station, a delay): two requests, Z = D = 1 s. With one request
    # there, R = 1, X = 1/2, Q = 1/2; with two, R = 1.5 and X = 2 / 2.5 = 0.8.
    assert reference.closed_network_throughput(2, 1.0, 1.0, 1) == pytest.approx(0.8)
    # At the knee the prediction is below both bounds, and far past it, at the CPUs' bound.
    knee = reference.closed_network_throughput(8, 0.002, 0.0005, 2)       # bounds: 3,200 and 4,000
    assert knee < 3_200
    assert reference.closed_network_throughput(200, 0.002, 0.0005, 2) == pytest.approx(4_000, rel=1e-3)
    assert reference.closed_network_throughput(0, 0.002, 0.001, 2) == 0


def test_below_the_concurrency_the_connections_are_what_is_in_flight(tmp_path):
    model = model_of(tmp_path, row("async", 1, 4_000, pool=64, server_ticks=4), row("async", 16, 60_000, pool=64))
    prediction = model.predict(reference.Config("async", 2, 64), 16)
    assert prediction.in_flight == 16
    assert prediction.predicted == pytest.approx(6_400, rel=0.01)   # C = 10 µs, 16 on 2 CPUs: hardly waiting
    assert prediction.limit == "connections"


def test_repetitions_are_medians_and_errors_totals(tmp_path):
    model = model_of(
        tmp_path,
        row("sync", 1, 4_000, rep=1), row("sync", 1, 3_000, rep=2), row("sync", 1, 5_000, rep=3),
        row("sync", 64, 7_000, rep=1, timeouts=2), row("sync", 64, 9_000, rep=2, timeouts=1),
        row("sync", 64, 8_000, rep=3, non_2xx=10),
    )
    assert model.costs_of(reference.Config("sync", 2, 4)).seconds_per_request == pytest.approx(1 / 400)
    [ceiling] = model.ceilings()
    assert ceiling.measured.throughput == 799   # the median of 700, 900 and (8,000 − 10) / 10: 2xx only
    assert ceiling.measured.reps == 3
    assert (ceiling.measured.non_2xx, ceiling.measured.timeouts) == (10, 3)


def test_a_server_without_a_run_at_one_connection_gets_no_prediction(tmp_path):
    model = model_of(tmp_path, row("sync", 1, 4_000), row("flask", 64, 1_900))
    assert [prediction.config.server for prediction in model.ceilings()] == ["sync"]
    assert model.predict(reference.Config("flask", 2, 0), 64) is None


def test_the_report_puts_each_prediction_beside_its_measurement_and_writes_the_plots(tmp_path):
    tsv = write(
        tmp_path,
        *(row(server, connections, requests, server_ticks=requests // 25)   # 400 µs of CPU each
          for server, by_connections in (("flask", {1: 1_000, 16: 1_900, 128: 1_900}),
                                         ("sync", {1: 4_000, 16: 7_800, 128: 7_700}),
                                         ("async", {1: 4_000, 16: 15_500, 128: 15_000}))
          for connections, requests in by_connections.items()),
        row("async", 128, 30_000, pool=8, server_ticks=300),
        row("async", 128, 60_000, pool=16, server_ticks=500),
        row("async", 256, 200_000, pool=16, server_ticks=2_000, calibration=reference.COST),     # C = 100 µs
        row("async", 256, 190_000, pool=32, server_ticks=1_900, calibration=reference.CEILING),  # 2 CPUs busy
    )
    out = tmp_path / "out"
    out.mkdir()
    assert reference.main([str(tsv), "--name", "t", "--out-dir", str(out), "--cpus", "2", "--route", "country",
                           "--db-latency-ms", "2", "--setup", "a machine", "--command", "scripts/bench --with-reference"]) == 0
    report = (out / "t.md").read_text(encoding="utf-8")
    assert report.startswith("# GET /users?country=&limit=20, +2 ms per database round trip")
    # Flask: 2 workers ÷ 10 ms = 200 predicted (C = 400 µs alone and under load), 190 measured.
    assert "| Flask/Gunicorn, 2 sync workers | 2 | 10.00 | 400 | 0.1 | 400 (under load) | 200 |" in report
    assert "| **200** (workers) | **190** | −5% | yes |" in report
    assert "| coffeehouse async, 2 threads, pool 16 (pool sweep) |" in report
    assert "| 100 (cost calibration, pool 16) |" in report
    assert "## CPU calibrations: async mode where only the CPUs limit it" in report
    assert "| cost (C) | 1 | 16 | 256 | 20,000 | 100.0 | 100.0 | 2.00 | 0.00 | 0/0/0 |" in report
    assert "| ceiling (N) | 1 | 32 | 256 | 19,000 | 100.0 | 100.0 | 1.90 | 0.00 | 0/0/0 |" in report
    assert "## Pool sweep: async mode at 128 connections" in report
    assert "scripts/bench --with-reference" in report
    for name in ("t.png", "t-p99.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
        assert f"![{name}]({name})" in report


def test_without_a_run_at_one_connection_there_is_nothing_to_predict_from(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    tsv = write(tmp_path, row("sync", 64, 8_000))
    assert reference.main([str(tsv), "--name", "t", "--out-dir", str(out), "--cpus", "2", "--route", "notes",
                           "--setup", "x"]) == 2
    assert "no run at one connection" in capsys.readouterr().err
