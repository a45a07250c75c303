"""Fixtures of the contract suite: the spec, an HTTP client for the running service, and the data
the tests need.

COFFEEHOUSE_CONTRACT_BASE_URL      the running service, e.g. http://127.0.0.1:8080 (required for
                                   every test that sends a request; without it they fail: a suite
                                   that silently tests nothing would pass too)
COFFEEHOUSE_CONTRACT_DATABASE_URL  its database: used only to insert one coffee (the API cannot
                                   create coffee); without it the tests that need it fail

The suite writes users (and that coffee): run it against a throwaway database.

Coverage: a test marked @pytest.mark.covers("GET /users/{id}", 404) must, while it runs, check an
answer with that status for that operation, or it fails (coverage_markers.py); test_coverage.py
compares the markers with the statuses the spec documents.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import pytest

from coverage_markers import COLLECTED_ITEMS, declared_coverage
from http_probe import HttpProbe
from openapi_contract import Contract
from psql import Database


CALL_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[COLLECTED_ITEMS] = list(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[CALL_PASSED] = report.passed


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract.from_file()


@pytest.fixture(autouse=True)
def holds_to_its_coverage_markers(request: pytest.FixtureRequest, contract: Contract):
    contract.seen.clear()
    yield
    if not request.node.stash.get(CALL_PASSED, False):
        return  # a failure or a skip says for itself what happened
    missing = declared_coverage(request.node) - set(contract.seen)
    assert not missing, f"the test is marked as covering {sorted(missing)} but checked no such answer"


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("COFFEEHOUSE_CONTRACT_BASE_URL")
    if not url:
        pytest.fail("COFFEEHOUSE_CONTRACT_BASE_URL is not set: no service to test (scripts/test sets it)")
    return url


@pytest.fixture(scope="session")
def client(base_url: str) -> HttpProbe:
    return HttpProbe(base_url)


@pytest.fixture(scope="session")
def database() -> Database | None:
    url = os.environ.get("COFFEEHOUSE_CONTRACT_DATABASE_URL")
    return Database(url) if url else None


@pytest.fixture(scope="session")
def unique_token() -> str:
    """Marks what this run creates, so that searches and filters find only it."""
    return "ctr" + secrets.token_hex(6)


@dataclass(frozen=True)
class KnownCoffee:
    document: dict
    # True when this run inserted it: its title and notes are then unique to the run.
    inserted: bool

    @property
    def id(self) -> int:
        return self.document["id"]


@pytest.fixture(scope="session")
def coffee(client: HttpProbe, contract: Contract, database: Database | None, unique_token: str) -> KnownCoffee:
    """A coffee that exists: inserted through the database when its URL is given, else one the
    service picks at random for a new user (which needs a seeded database)."""
    if database is not None:
        document = {
            "title": f"Contract {unique_token} Espresso",
            "origin": "Huila, Colombia",
            "intensifier": None,
            "notes": [f"{unique_token}-berry", f"{unique_token}-almond"],
        }
        rows = database.query(
            "INSERT INTO coffee (title, origin, intensifier, notes)"
            " VALUES (:'title', :'origin', NULL, ARRAY[:'first_note', :'second_note']::varchar[]) RETURNING id;\n",
            title=document["title"],
            origin=document["origin"],
            first_note=document["notes"][0],
            second_note=document["notes"][1],
        )
        return KnownCoffee({"id": int(rows[0]), **document}, inserted=True)
    created = contract.check(client.post_json("/users", {"name": "contract coffee finder"}), "/users")
    assert created.status == 201, created.answer.body
    if created.body["coffee"] is None:
        pytest.fail("the database has no coffee; set COFFEEHOUSE_CONTRACT_DATABASE_URL so that the suite can insert one")
    return KnownCoffee(created.body["coffee"], inserted=False)
