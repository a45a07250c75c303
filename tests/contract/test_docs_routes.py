"""GET /openapi.json, GET /docs."""

import re

import pytest

from openapi_contract import load_document


def differences(served, written, at: str = "") -> list[str]:
    """JSON pointers where two documents differ, for a message a person can act on."""
    if isinstance(served, dict) and isinstance(written, dict):
        return [found for key in sorted(set(served) | set(written), key=str)
                for found in differences(served.get(key), written.get(key), f"{at}/{key}")]
    if isinstance(served, list) and isinstance(written, list) and len(served) == len(written):
        return [found for index, pair in enumerate(zip(served, written)) for found in differences(*pair, f"{at}/{index}")]
    return [] if served == written else [at or "/"]


@pytest.mark.covers("GET /openapi.json", 200)
def test_openapi_json_is_this_document(client, contract):
    checked = contract.expect(client.get("/openapi.json"), "/openapi.json", 200)
    differing = differences(checked.body, load_document())
    assert not differing, f"the served document differs from docs/openapi.yaml (a binary built before an edit?) at {differing[:10]}"


@pytest.mark.covers("GET /docs", 200)
def test_docs_is_a_page_about_this_api(client, contract):
    page = contract.expect(client.get("/docs"), "/docs", 200).body
    assert re.search(r"<html[\s>]", page, re.IGNORECASE)
    assert contract.document["info"]["title"] in page
    # The page renders the document without fetching code from elsewhere at run time.
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", page, re.IGNORECASE)
