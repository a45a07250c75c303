"""The checker itself, on made-up answers: it must accept what the spec allows and refuse the rest.
Needs no service."""

import json

import pytest
from jsonschema import Draft202012Validator

from openapi_contract import Answer, Contract, ContractViolation, load_document

USER = {
    "id": 7, "name": "Anna", "surname": None, "patronomic": None, "has_sale": True,
    "address": {"country": "Georgia"},
    "coffee": {"id": 3, "title": "Blue Volcano", "origin": None, "intensifier": None, "notes": ["cherry", None]},
}


def answer(status: int, body, method: str = "GET", target: str = "/users/7",
           content_type: str | None = "application/json", **headers: str) -> Answer:
    all_headers = dict(headers)
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Answer(method, target, status, tuple(all_headers.items()), data)


def error(code: str) -> dict:
    return {"error": {"code": code, "message": "anything"}}


@pytest.fixture(scope="module")
def spec() -> Contract:
    return Contract.from_file()


@pytest.mark.parametrize("name", sorted(load_document()["components"]["schemas"]))
def test_every_schema_of_the_spec_is_a_valid_2020_12_schema(spec, name):
    Draft202012Validator.check_schema(spec.document["components"]["schemas"][name])


def test_a_documented_answer_passes_and_is_recorded(spec):
    spec.seen.clear()
    checked = spec.check(answer(200, USER), "/users/{id}")
    assert checked.body == USER
    assert spec.seen == [("GET", "/users/{id}", 200)]


def test_an_undocumented_status_is_refused(spec):
    with pytest.raises(ContractViolation, match="undocumented status 418"):
        spec.check(answer(418, error("not_found")), "/users/{id}")


def test_a_status_another_operation_documents_is_still_refused(spec):
    # 422 belongs to POST /users, not to GET /users/{id}.
    with pytest.raises(ContractViolation, match="undocumented status 422"):
        spec.check(answer(422, error("validation_failed")), "/users/{id}")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**USER, "id": "7"}, id="id-as-string"),
        pytest.param({key: value for key, value in USER.items() if key != "coffee"}, id="missing-coffee"),
        pytest.param({**USER, "email": "a@example.org"}, id="extra-field"),
        pytest.param({**USER, "name": "x" * 51}, id="name-too-long"),
        pytest.param({**USER, "coffee": {**USER["coffee"], "notes": None}}, id="notes-null"),
    ],
)
def test_a_body_that_does_not_match_the_schema_is_refused(spec, body):
    with pytest.raises(ContractViolation, match="does not match its schema"):
        spec.check(answer(200, body), "/users/{id}")


def test_an_error_code_the_response_does_not_list_is_refused(spec):
    spec.check(answer(404, error("user_not_found")), "/users/{id}")
    with pytest.raises(ContractViolation, match="does not match its schema"):
        spec.check(answer(404, error("coffee_not_found")), "/users/{id}")
    with pytest.raises(ContractViolation, match="does not match its schema"):
        spec.check(answer(404, {"error": "user_not_found"}), "/users/{id}")


def test_a_body_that_is_not_json_is_refused(spec):
    with pytest.raises(ContractViolation, match="the body is not application/json"):
        spec.check(answer(200, b"{not json"), "/users/{id}")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/problem+json"])
def test_a_wrong_or_missing_content_type_is_refused(spec, content_type):
    with pytest.raises(ContractViolation, match="Content-Type"):
        spec.check(answer(200, USER, content_type=content_type), "/users/{id}")


def test_media_type_parameters_of_the_spec_must_be_present(spec):
    metrics = b"# TYPE up gauge\nup 1\n"
    spec.check(answer(200, metrics, target="/metrics", content_type="text/plain; version=0.0.4; charset=utf-8"), "/metrics")
    with pytest.raises(ContractViolation, match="Content-Type"):
        spec.check(answer(200, metrics, target="/metrics", content_type="text/plain"), "/metrics")


def test_a_missing_or_malformed_documented_header_is_refused(spec):
    created = dict(method="POST", target="/users")
    spec.check(answer(201, USER, Location="/users/7", **created), "/users")
    with pytest.raises(ContractViolation, match="Location header is missing"):
        spec.check(answer(201, USER, **created), "/users")
    with pytest.raises(ContractViolation, match="header Location"):
        spec.check(answer(201, USER, Location="http://elsewhere/users/7", **created), "/users")
    with pytest.raises(ContractViolation, match="Retry-After header is missing"):
        spec.check(answer(503, error("database_unavailable"), **created), "/users")


def test_405_must_list_exactly_the_served_methods_and_only_for_other_methods(spec):
    spec.seen.clear()
    spec.check(answer(405, error("method_not_allowed"), method="DELETE", target="/users", Allow="POST, GET, HEAD"),
               "/users")
    # One 405 answers for every operation of the path.
    assert sorted(spec.seen) == [("GET", "/users", 405), ("POST", "/users", 405)]
    # HEAD goes with GET, which the spec's description says once for every path.
    for allow in ("GET, HEAD", "POST, GET"):
        with pytest.raises(ContractViolation, match="Allow is"):
            spec.check(answer(405, error("method_not_allowed"), method="DELETE", target="/users", Allow=allow), "/users")
    with pytest.raises(ContractViolation, match="405, but the spec says"):
        spec.check(answer(405, error("method_not_allowed"), target="/users", Allow="POST, GET"), "/users")


def test_any_other_status_for_an_unserved_method_is_refused(spec):
    with pytest.raises(ContractViolation, match="only 405 is documented"):
        spec.check(answer(200, USER, method="DELETE"), "/users/{id}")


def test_a_path_the_spec_does_not_have_is_refused(spec):
    with pytest.raises(ContractViolation, match="not a path of the spec"):
        spec.check(answer(200, USER, target="/people/7"), "/people/{id}")


def test_expect_insists_on_the_status_and_the_code(spec):
    spec.expect(answer(400, error("invalid_id"), target="/users/x"), "/users/{id}", 400, "invalid_id")
    with pytest.raises(AssertionError, match="expected 404"):
        spec.expect(answer(400, error("invalid_id"), target="/users/x"), "/users/{id}", 404)
    with pytest.raises(AssertionError, match="expected code 'bad_request'"):
        spec.expect(answer(400, error("invalid_id"), target="/users/x"), "/users/{id}", 400, "bad_request")
