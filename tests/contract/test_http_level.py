"""What any request can get before it reaches a route's own logic: malformed requests (400),
oversized headers (431) and bodies (413), other methods (405 with Allow), unknown paths (404).
Parametrized over the spec's own operations, so a new route is held to them without a new test."""

import json

import pytest

from openapi_contract import Contract

SPEC = Contract.from_file()
OPERATIONS = SPEC.operations()
PATHS = sorted({path for _, path in OPERATIONS})


def concrete(path: str) -> str:
    return path.replace("{id}", "1")


def per_operation(status: int):
    return [
        pytest.param(method, path, marks=pytest.mark.covers(f"{method} {path}", status), id=f"{method} {path}")
        for method, path in OPERATIONS
    ]


def per_path(status: int):
    return [
        pytest.param(path, marks=[pytest.mark.covers(f"{method} {p}", status) for method, p in OPERATIONS if p == path],
                     id=path)
        for path in PATHS
    ]


@pytest.mark.parametrize(("method", "path"), per_operation(400))
def test_a_request_that_is_not_http_is_400_bad_request(client, contract, method, path):
    answer = client.raw(method, concrete(path), f"{method} {concrete(path)} HTTP/1.1\r\nHost x\r\n\r\n".encode())
    contract.expect(answer, path, 400, "bad_request")


@pytest.mark.parametrize(("method", "path"), per_operation(400))
def test_a_target_that_is_not_a_valid_path_and_query_is_400_bad_target(client, contract, method, path):
    contract.expect(client.raw_request(method, concrete(path) + "?q=%zz"), path, 400, "bad_target")


@pytest.mark.parametrize(("method", "path"), per_operation(431))
def test_headers_over_8_kib_are_431(client, contract, method, path):
    answer = client.raw_request(method, concrete(path), "X-Padding: " + "a" * 9000 + "\r\n")
    contract.expect(answer, path, 431, "headers_too_large")


@pytest.mark.parametrize(("method", "path"), per_operation(413))
def test_an_announced_body_over_1_mib_is_413_without_sending_it(client, contract, method, path):
    answer = client.raw_request(method, concrete(path), "Content-Type: application/json\r\nContent-Length: 1048577\r\n")
    contract.expect(answer, path, 413, "body_too_large")


@pytest.mark.covers("POST /users", 413)
def test_a_chunked_body_over_1_mib_is_413(client, contract):
    # Two chunks of 600 KiB: the first is sent whole, the second only announced, which takes the
    # body over the limit. (Sending all of it would race the service's close against our writes.)
    chunk = b"[" * (600 * 1024)
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" + f"{len(chunk):x}\r\n".encode()
    answer = client.raw_request("POST", "/users", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", body)
    contract.expect(answer, "/users", 413, "body_too_large")


@pytest.mark.covers("POST /users", 400)
def test_a_transfer_encoding_other_than_chunked_is_400(client, contract):
    answer = client.raw_request("POST", "/users", "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n")
    contract.expect(answer, "/users", 400, "bad_request")


@pytest.mark.parametrize("path", per_path(405))
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_a_method_the_path_is_not_served_for_is_405_with_allow(client, contract, method, path):
    # The checker also holds Allow to exactly the methods the spec documents for the path.
    contract.expect(client.request(method, concrete(path)), path, 405, "method_not_allowed")


@pytest.mark.parametrize("target", ["/teapots", "/users/1/coffee", "/coffee", "/healthz/extra", "/"])
def test_an_unknown_path_is_404_not_found(client, contract, target):
    # No operation documents it (it belongs to no path), but it is the one error envelope all the same.
    answer = client.get(target)
    assert answer.status == 404
    assert answer.header("Content-Type") == "application/json"
    body = json.loads(answer.body)
    contract.validate(body, {"$ref": "#/components/schemas/Error"}, f"GET {target}")
    assert body["error"]["code"] == "not_found"
