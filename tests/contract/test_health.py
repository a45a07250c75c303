"""GET /healthz, GET /readyz."""

import pytest

from openapi_contract import REPO_ROOT


def expected_heads() -> list[str]:
    """The head revisions of schema/versions: those that no other revision names as its parent."""
    revisions, parents = set(), set()
    for path in (REPO_ROOT / "schema" / "versions").glob("*.sql"):
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.removeprefix("-- ").partition(":")
            if key == "revision":
                revisions.add(value.strip())
            elif key == "down_revision":
                parents.update(part.strip() for part in value.split(",") if part.strip())
    return sorted(revisions - parents)


@pytest.mark.covers("GET /healthz", 200)
def test_healthz_answers_ok(client, contract):
    checked = contract.expect(client.get("/healthz"), "/healthz", 200)
    assert checked.body == {"status": "ok"}


@pytest.mark.covers("GET /readyz", 200)
def test_readyz_names_the_head_revisions_of_this_checkout(client, contract):
    checked = contract.expect(client.get("/readyz"), "/readyz", 200)
    assert checked.body == {"status": "ready", "revisions": expected_heads(), "reads": "primary"}
