"""GET /coffee/{id}, GET /coffee/search, GET /coffee/notes."""

from urllib.parse import quote

import pytest

cover = pytest.mark.covers


# --- GET /coffee/{id} ------------------------------------------------------------------------


@cover("GET /coffee/{id}", 200)
def test_a_coffee_is_served_by_id(client, contract, coffee):
    checked = contract.expect(client.get(f"/coffee/{coffee.id}"), "/coffee/{id}", 200)
    assert checked.body == coffee.document


@cover("GET /coffee/{id}", 400)
@pytest.mark.parametrize("text", ["abc", "-1", "1.0", "%20", "searches"])
def test_an_id_that_is_not_digits_is_400(client, contract, text):
    contract.expect(client.get(f"/coffee/{text}"), "/coffee/{id}", 400, "invalid_id")


@cover("GET /coffee/{id}", 404)
@pytest.mark.parametrize("text", ["0", "2147483647", "2147483648", "99999999999999999999999"])
def test_an_id_that_names_no_coffee_is_404(client, contract, text):
    contract.expect(client.get(f"/coffee/{text}"), "/coffee/{id}", 404, "coffee_not_found")


# --- GET /coffee/search ----------------------------------------------------------------------


def search(client, contract, query: str) -> list:
    return contract.expect(client.get(f"/coffee/search?{query}"), "/coffee/search", 200).body


@cover("GET /coffee/search", 200)
def test_search_finds_a_coffee_by_a_word_of_its_title(client, contract, coffee):
    found = search(client, contract, "title=" + quote(coffee.document["title"]) + "&limit=1000")
    assert found, "searching for a coffee's own title found nothing"
    if coffee.inserted:  # its title holds a word of this run alone
        assert found == [coffee.document]
    else:
        assert all(result["title"] for result in found)


@cover("GET /coffee/search", 200)
def test_search_honours_limit_and_exclusions(client, contract, coffee, unique_token):
    if not coffee.inserted:
        pytest.fail("needs a coffee whose title is unique to this run: set COFFEEHOUSE_CONTRACT_DATABASE_URL")
    assert search(client, contract, f"title={unique_token}&limit=1") == [coffee.document]
    assert search(client, contract, f"title={unique_token}%20-espresso") == []


@cover("GET /coffee/search", 200)
@pytest.mark.parametrize("words", ["the", "%22no%20such%20phrase%20anywhere%20zzqx%22"], ids=["stop-word", "phrase"])
def test_search_that_matches_nothing_is_an_empty_array(client, contract, words):
    assert search(client, contract, f"title={words}") == []


@cover("GET /coffee/search", 400)
@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("", "missing_parameter", id="no-title"),
        pytest.param("title=", "missing_parameter", id="empty-title"),
        pytest.param("title=%20%09%0D%0A", "missing_parameter", id="blank-title"),
        pytest.param("limit=5", "missing_parameter", id="only-limit"),
        pytest.param("title=a&title=b", "invalid_parameter", id="title-twice"),
        pytest.param("title=a%00", "invalid_parameter", id="title-nul"),
        pytest.param("title=a&limit=0", "invalid_parameter", id="limit-0"),
        pytest.param("title=a&limit=1001", "invalid_parameter", id="limit-1001"),
        pytest.param("title=a&limit=x", "invalid_parameter", id="limit-word"),
    ],
)
def test_bad_queries_are_400(client, contract, query, code):
    contract.expect(client.get(f"/coffee/search?{query}"), "/coffee/search", 400, code)


# --- GET /coffee/notes -----------------------------------------------------------------------


@cover("GET /coffee/notes", 200)
def test_notes_are_every_distinct_note_in_code_point_order(client, contract, coffee):
    notes = contract.expect(client.get("/coffee/notes"), "/coffee/notes", 200).body
    # Code-point order: what Python's str ordering is.
    assert notes == sorted(set(notes))
    assert set(note for note in coffee.document["notes"] if note is not None) <= set(notes)
