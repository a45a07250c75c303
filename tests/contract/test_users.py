"""POST /users, GET /users/{id}, GET /users?country=."""

import json

import pytest

from openapi_contract import Contract

cover = pytest.mark.covers


def new_user_fields(body: dict) -> dict:
    return {field: body[field] for field in ("name", "surname", "patronomic", "has_sale", "address")}


# --- POST /users -----------------------------------------------------------------------------


@cover("POST /users", 201)
@cover("GET /users/{id}", 200)
def test_created_user_is_served_as_written_with_its_coffee(client, contract, coffee):
    # The address is written as text: its numbers must come back digit for digit.
    address_text = '{"country":"Georgia","city":"Tbilisi","lat":-7.6590285039183925,"ratio":1.0,"tags":["a",null]}'
    body = (
        '{"name":"Анна","surname":"Ivanova","patronomic":"Petrovna","has_sale":true,'
        f'"address":{address_text},"coffee_id":{coffee.id}}}'
    )
    created = contract.expect(client.post_text("/users", body), "/users", 201)

    user = created.body
    assert created.answer.header("Location") == f"/users/{user['id']}"
    assert new_user_fields(user) == {
        "name": "Анна", "surname": "Ivanova", "patronomic": "Petrovna", "has_sale": True,
        "address": json.loads(address_text),
    }
    assert f'"address":{address_text}' in created.answer.text()
    assert user["coffee"] == coffee.document

    fetched = contract.expect(client.get(f"/users/{user['id']}"), "/users/{id}", 200)
    assert fetched.answer.body == created.answer.body


@cover("POST /users", 201)
def test_a_user_with_only_a_name_gets_a_random_existing_coffee(client, contract, coffee):
    created = contract.expect(client.post_json("/users", {"name": "Only a name"}), "/users", 201)
    assert new_user_fields(created.body) == {
        "name": "Only a name", "surname": None, "patronomic": None, "has_sale": None, "address": None,
    }
    # The coffee fixture guarantees that one exists, so one must have been chosen.
    assert created.body["coffee"] is not None


@cover("POST /users", 201)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": "n", "surname": None, "patronomic": None, "has_sale": None, "address": None,
                      "coffee_id": None}, id="explicit-nulls"),
        pytest.param({"name": "é" * 50, "surname": "ü" * 50, "patronomic": "😀" * 50}, id="50-characters-not-bytes"),
        pytest.param({"name": "   "}, id="whitespace-name"),
        pytest.param({"name": "n", "has_sale": False, "address": {}}, id="false-and-empty-address"),
    ],
)
def test_accepted_bodies(client, contract, body):
    created = contract.expect(client.post_json("/users", body), "/users", 201)
    assert created.body["name"] == body["name"]


@cover("POST /users", 201)
@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_content_type_with_parameters_or_other_case_is_accepted(client, contract, content_type):
    contract.expect(client.post_text("/users", '{"name":"typed"}', content_type), "/users", 201)


@cover("POST /users", 415)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/json-patch+json"])
def test_a_body_that_is_not_declared_json_is_415(client, contract, content_type):
    contract.expect(client.post_text("/users", '{"name":"typed"}', content_type), "/users", 415,
                    "unsupported_media_type")


NESTED_32 = '{"name":"n","address":{"x":' + "[" * 30 + "]" * 30 + "}}"  # the body is level 1
NESTED_33 = '{"name":"n","address":{"x":' + "[" * 31 + "]" * 31 + "}}"


@cover("POST /users", 201)
def test_nesting_up_to_the_depth_limit_is_accepted(client, contract):
    contract.expect(client.post_text("/users", NESTED_32), "/users", 201)


@cover("POST /users", 400)
@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("", "malformed_json", id="empty"),
        pytest.param('{"name":', "malformed_json", id="truncated"),
        pytest.param('{"name":"n"} x', "malformed_json", id="trailing-data"),
        pytest.param('{"name":"n","address":{"x":"\\ud800"}}', "malformed_json", id="lone-surrogate"),
        pytest.param(NESTED_33, "malformed_json", id="too-deep"),
        pytest.param('{"name":"a","name":"b"}', "duplicate_key", id="duplicate-top-level-key"),
        pytest.param('{"name":"n","address":{"k":1,"k":2}}', "duplicate_key", id="duplicate-nested-key"),
        pytest.param('["n"]', "invalid_type", id="array-body"),
        pytest.param('"n"', "invalid_type", id="string-body"),
        pytest.param('{"name":5}', "invalid_type", id="name-number"),
        pytest.param('{"name":"n","surname":5}', "invalid_type", id="surname-number"),
        pytest.param('{"name":"n","patronomic":[]}', "invalid_type", id="patronomic-array"),
        pytest.param('{"name":"n","has_sale":"yes"}', "invalid_type", id="has-sale-string"),
        pytest.param('{"name":"n","address":[]}', "invalid_type", id="address-array"),
        pytest.param('{"name":"n","coffee_id":"1"}', "invalid_type", id="coffee-id-string"),
        pytest.param('{"name":"n","coffee_id":1.0}', "invalid_type", id="coffee-id-1.0"),
        pytest.param('{"name":"n","email":"n@example.org"}', "unknown_field", id="unknown-field"),
    ],
)
def test_bodies_refused_as_400(client, contract, text, code):
    contract.expect(client.post_text("/users", text), "/users", 400, code)


@cover("POST /users", 422)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-name"),
        pytest.param({"name": None}, id="null-name"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "x" * 51}, id="name-51"),
        pytest.param({"name": "é" * 51}, id="name-51-characters"),
        pytest.param({"name": "a\u0000b"}, id="name-nul"),
        pytest.param({"name": "n", "surname": "x" * 51}, id="surname-51"),
        pytest.param({"name": "n", "patronomic": "x\u0000"}, id="patronomic-nul"),
        pytest.param({"name": "n", "address": {"city": "a\u0000"}}, id="address-nul-value"),
        pytest.param({"name": "n", "address": {"k\u0000": 1}}, id="address-nul-key"),
        pytest.param({"name": "n", "coffee_id": 0}, id="coffee-id-0"),
        pytest.param({"name": "n", "coffee_id": -1}, id="coffee-id-negative"),
        pytest.param({"name": "n", "coffee_id": 2147483648}, id="coffee-id-beyond-serial"),
        pytest.param({"name": "n", "coffee_id": 9223372036854775808}, id="coffee-id-beyond-int64"),
    ],
)
def test_bodies_refused_as_validation_failed(client, contract, body):
    contract.expect(client.post_json("/users", body), "/users", 422, "validation_failed")


@cover("POST /users", 422)
def test_a_number_beyond_double_in_the_address_is_validation_failed(client, contract):
    contract.expect(client.post_text("/users", '{"name":"n","address":{"x":1e400}}'), "/users", 422,
                    "validation_failed")


@cover("POST /users", 422)
def test_a_coffee_id_that_names_no_coffee_is_unknown_coffee(client, contract):
    # Ids are SERIAL: the largest one is never reached by a test database.
    contract.expect(client.post_json("/users", {"name": "n", "coffee_id": 2147483647}), "/users", 422,
                    "unknown_coffee")


# --- GET /users/{id} -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def created_user(client) -> dict:
    answer = client.post_json("/users", {"name": "Fetched", "surname": "Later", "has_sale": False})
    assert answer.status == 201, answer.body
    return json.loads(answer.body)


@cover("GET /users/{id}", 200)
@pytest.mark.parametrize("spelling", ["{id}", "000{id}", "{id}/", "%3{first_digit}{rest}"],
                         ids=["plain", "leading-zeros", "trailing-slash", "percent-encoded"])
def test_a_user_is_found_by_any_spelling_of_its_id(client, contract, created_user, spelling):
    text = str(created_user["id"])
    target = "/users/" + spelling.format(id=text, first_digit=text[0], rest=text[1:])
    checked = contract.expect(client.get(target), "/users/{id}", 200)
    assert checked.body == created_user


@cover("GET /users/{id}", 400)
@pytest.mark.parametrize("text", ["abc", "-1", "+1", "1.5", "1e3", "%20", "0x10", "%E2%82%AC"])
def test_an_id_that_is_not_digits_is_400(client, contract, text):
    contract.expect(client.get(f"/users/{text}"), "/users/{id}", 400, "invalid_id")


@cover("GET /users/{id}", 404)
# 19 digits are 404 whatever their value: the service reads at most 18 (see the spec).
@pytest.mark.parametrize("text", ["0", "2147483647", "2147483648", "99999999999999999999999", "0000000000000000001"])
def test_an_id_that_names_no_user_is_404(client, contract, text):
    contract.expect(client.get(f"/users/{text}"), "/users/{id}", 404, "user_not_found")


# --- GET /users?country= ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def country_users(client, unique_token) -> tuple[str, list[int]]:
    """Three users in a country of this run's own, created in id order."""
    country = f"Contractland {unique_token}"
    ids = []
    for name in ("First", "Second", "Third"):
        answer = client.post_json("/users", {"name": name, "address": {"country": country, "city": "C"}})
        assert answer.status == 201, answer.body
        ids.append(json.loads(answer.body)["id"])
    return country, ids


def page(client, contract: Contract, query: str):
    return contract.expect(client.get(f"/users?{query}"), "/users", 200).body


@cover("GET /users", 200)
def test_users_of_a_country_come_in_id_order_a_page_at_a_time(client, contract, country_users):
    country, ids = country_users
    first = page(client, contract, f"country={country.upper().replace(' ', '%20')}&limit=2")
    assert [user["id"] for user in first["users"]] == ids[:2]
    assert first["next_after_id"] == ids[1]
    assert all(user["address"]["country"] == country for user in first["users"])

    rest = page(client, contract, f"country={country.lower().replace(' ', '+')}&limit=2&after_id={ids[1]}")
    assert [user["id"] for user in rest["users"]] == ids[2:]
    assert rest["next_after_id"] is None


@cover("GET /users", 200)
def test_default_page_holds_every_user_of_a_small_country(client, contract, country_users):
    country, ids = country_users
    everyone = page(client, contract, f"country={country.replace(' ', '%20')}")
    assert [user["id"] for user in everyone["users"]] == ids
    assert everyone["next_after_id"] is None


@cover("GET /users", 200)
def test_a_country_nobody_lives_in_is_an_empty_page(client, contract, unique_token):
    assert page(client, contract, f"country=Nowhere{unique_token}&limit=1000&after_id=2147483647") == {
        "users": [], "next_after_id": None,
    }


@cover("GET /users", 200)
def test_a_country_of_spaces_is_accepted_not_missing(client, contract):
    # Unlike `title`, which must not be blank, `country` only must not be empty (see the spec).
    assert page(client, contract, "country=%20%20")["users"] == []


@cover("GET /users", 400)
@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("", "missing_parameter", id="no-country"),
        pytest.param("limit=10", "missing_parameter", id="only-limit"),
        pytest.param("country=", "missing_parameter", id="empty-country"),
        pytest.param("country", "missing_parameter", id="country-without-value"),
        pytest.param("country=a&country=b", "invalid_parameter", id="country-twice"),
        pytest.param("country=a%00b", "invalid_parameter", id="country-nul"),
        pytest.param("country=a&limit=0", "invalid_parameter", id="limit-0"),
        pytest.param("country=a&limit=1001", "invalid_parameter", id="limit-1001"),
        pytest.param("country=a&limit=-1", "invalid_parameter", id="limit-negative"),
        pytest.param("country=a&limit=%2B5", "invalid_parameter", id="limit-plus-sign"),
        pytest.param("country=a&limit=ten", "invalid_parameter", id="limit-word"),
        pytest.param("country=a&limit=", "invalid_parameter", id="limit-empty"),
        pytest.param("country=a&limit=1&limit=2", "invalid_parameter", id="limit-twice"),
        pytest.param("country=a&after_id=-1", "invalid_parameter", id="after-id-negative"),
        pytest.param("country=a&after_id=2147483648", "invalid_parameter", id="after-id-beyond-serial"),
        pytest.param("country=a&after_id=1.5", "invalid_parameter", id="after-id-fraction"),
        pytest.param("country=a&limit=0000000000000000005", "invalid_parameter", id="limit-19-digits"),
    ],
)
def test_bad_queries_are_400(client, contract, query, code):
    contract.expect(client.get(f"/users?{query}"), "/users", 400, code)
