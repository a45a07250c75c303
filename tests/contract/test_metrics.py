"""GET /metrics."""

import re

import pytest

# The families the README promises. db_pool_* and http_* need no traffic of their own: the
# request that fetches the metrics is counted, and the pool always has a state.
FAMILIES = (
    "http_requests_total",
    "http_request_duration_seconds",
    "db_query_duration_seconds",
    "db_pool_connections",
    "db_pool_waiters",
    "coffeehouse_info",
)


@pytest.mark.covers("GET /metrics", 200)
def test_metrics_are_prometheus_text_with_every_promised_family(client, contract):
    client.get("/healthz")  # at least one counted request, whatever ran before
    checked = contract.expect(client.get("/metrics"), "/metrics", 200)
    declared = set(re.findall(r"^# TYPE (\S+) (?:counter|gauge|histogram)$", checked.body, re.MULTILINE))
    assert set(FAMILIES) <= declared, f"missing families: {sorted(set(FAMILIES) - declared)}"
    assert re.search(r'^http_requests_total\{route="/healthz",method="GET",status="200"\} [1-9]', checked.body, re.MULTILINE)
    assert re.search(r'^coffeehouse_info\{[^}]*db_mode="(async|sync)"[^}]*\} 1$', checked.body, re.MULTILINE)
