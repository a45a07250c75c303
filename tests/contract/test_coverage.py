"""Every operation of the spec, and every status it documents, is produced by some test (its
covers marker, which conftest.py holds it to), or is listed below as not reproducible from outside
the service. Runs without a service: it reads the markers of the collected suite."""

import pytest

from coverage_markers import COLLECTED_ITEMS, declared_coverage

# What a client of a healthy service with its default limits cannot bring about. Each reason says
# what it would take; the suite stays honest by never claiming these (see the last test).
NOT_REPRODUCIBLE = {
    500: "internal_error needs a handler to fail unexpectedly, schema_mismatch a database whose "
         "migrations are missing: neither can be caused through the API",
    503: "database_unavailable needs the database down, database_busy the pool exhausted for "
         "--acquire-timeout-ms, overloaded --max-waiters (1024) requests queued at once, "
         "not_ready an unmigrated or seeding database, too_many_connections --max-connections (10000) "
         "client connections at once",
    504: "database_timeout needs a statement running over --statement-timeout-ms (10 s), which no API "
         "query does on a test database",
}


@pytest.fixture(scope="module")
def covered(request) -> set[tuple[str, str, int]]:
    items = request.config.stash.get(COLLECTED_ITEMS, request.session.items)
    return set().union(*(declared_coverage(item) for item in items))


def test_every_documented_status_of_every_operation_is_produced(contract, covered):
    missing = [
        f"{method} {path} {status}"
        for method, path in contract.operations()
        for status in sorted(contract.documented_statuses(method, path))
        if (method, path, status) not in covered and status not in NOT_REPRODUCIBLE
    ]
    assert not missing, "documented but produced by no test (and not listed as not reproducible):\n" + "\n".join(missing)


def test_every_operation_is_exercised(contract, covered):
    exercised = {(method, path) for method, path, _ in covered}
    assert set(contract.operations()) <= exercised


def test_tests_claim_only_what_the_spec_documents(contract, covered):
    stale = [
        f"{method} {path} {status}"
        for method, path, status in sorted(covered)
        if (method, path) not in contract.operations() or status not in contract.documented_statuses(method, path)
    ]
    assert not stale, "covers markers for statuses the spec does not document:\n" + "\n".join(stale)


def test_not_reproducible_statuses_are_documented_and_never_claimed(contract, covered):
    documented = {status for method, path in contract.operations() for status in contract.documented_statuses(method, path)}
    assert set(NOT_REPRODUCIBLE) <= documented
    claimed = sorted(entry for entry in covered if entry[2] in NOT_REPRODUCIBLE)
    assert not claimed, f"now produced by a test, so no longer 'not reproducible': {claimed}"
