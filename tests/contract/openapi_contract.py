"""Checks an HTTP answer against docs/openapi.yaml: the status must be one the operation documents,
the headers it lists must be there and match, the Content-Type must be one of its media types, and
the body must validate against that media type's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).

Every checked answer is recorded as (METHOD, path template, status), so that a test can be held to
the statuses it claims to produce (see conftest.py) and coverage can be measured against the spec.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, RefResolver

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "docs" / "openapi.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class ContractViolation(AssertionError):
    """The service answered something the spec does not allow."""


@dataclass(frozen=True)
class Answer:
    """One HTTP response as it came off the wire, with the request that produced it."""

    method: str
    target: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass(frozen=True)
class Checked:
    """An answer that the spec allows, with its body decoded (JSON value or text)."""

    answer: Answer
    body: Any

    @property
    def status(self) -> int:
        return self.answer.status

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None


def load_document(path: Path = SPEC_PATH) -> dict:
    with path.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def media_type_parts(value: str) -> tuple[str, dict[str, str]]:
    """'text/plain; version=0.0.4; charset=utf-8' -> ('text/plain', {'version': '0.0.4', 'charset': 'utf-8'})."""
    base, *parameters = value.split(";")
    parsed = {}
    for parameter in parameters:
        name, _, parameter_value = parameter.strip().partition("=")
        parsed[name.strip().lower()] = parameter_value.strip().strip('"')
    return base.strip().lower(), parsed


def is_json_media_type(base: str) -> bool:
    return base == "application/json" or base.endswith("+json")


@dataclass
class Contract:
    document: dict
    seen: list[tuple[str, str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Schemas are validated where they sit in the document, so their "#/components/..." refs
        # resolve against the whole document.
        self._resolver = RefResolver(base_uri="", referrer=self.document)

    @classmethod
    def from_file(cls, path: Path = SPEC_PATH) -> Contract:
        return cls(load_document(path))

    # --- what the spec says -------------------------------------------------------------------

    def operations(self) -> list[tuple[str, str]]:
        """Every (METHOD, path template) the spec documents."""
        return [
            (method.upper(), path)
            for path, item in self.document["paths"].items()
            for method in HTTP_METHODS
            if method in item
        ]

    def methods_of(self, path: str) -> set[str]:
        return {method.upper() for method in HTTP_METHODS if method in self._path_item(path)}

    def documented_statuses(self, method: str, path: str) -> set[int]:
        return {int(status) for status in self._operation(method, path)["responses"]}

    def resolve(self, node: Any) -> Any:
        """Follows local $refs ("#/components/...") until a node that is not a reference."""
        while isinstance(node, dict) and "$ref" in node:
            reference = node["$ref"]
            if not reference.startswith("#/"):
                raise ValueError(f"only local references are supported, got {reference!r}")
            node = self.document
            for part in reference[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validate(self, instance: Any, schema: dict, where: str) -> None:
        validator = Draft202012Validator(schema, resolver=self._resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        if errors:
            details = "\n".join(
                f"  at {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in errors[:10]
            )
            raise ContractViolation(f"{where} does not match its schema:\n{details}\n  value: {instance!r:.2000}")

    # --- checking an answer ---------------------------------------------------------------------

    def check(self, answer: Answer, path: str) -> Checked:
        """Checks `answer` to a request on `path` (a template of the spec, e.g. "/users/{id}")."""
        where = f"{answer.method} {answer.target} ({path}) answered {answer.status}"
        served = self.methods_of(path)
        if answer.status == 405:
            if answer.method.upper() in served:
                raise ContractViolation(f"{where}: 405, but the spec says {path} is served for {answer.method}")
            # "Any other method" has no operation in OpenAPI: every operation of the path lists the
            # same 405, so take it from any of them.
            operations = [(method, path) for method in sorted(served)]
        else:
            if answer.method.upper() not in served:
                raise ContractViolation(
                    f"{where}: the spec does not serve {answer.method} on {path}, so only 405 is documented"
                )
            operations = [(answer.method.upper(), path)]

        method, _ = operations[0]
        responses = self._operation(method, path)["responses"]
        if str(answer.status) not in responses:
            raise ContractViolation(
                f"{where}: undocumented status {answer.status}; documented: {sorted(map(int, responses))}"
            )
        response = self.resolve(responses[str(answer.status)])

        self._check_headers(answer, response, where)
        if answer.status == 405:
            allowed = {name.strip() for name in (answer.header("Allow") or "").split(",") if name.strip()}
            # HEAD is served wherever GET is (RFC 9110 §9.3.2); the spec says so once, in its
            # description, rather than as an operation per path.
            expected = (served | {"HEAD"}) if "GET" in served else served
            if allowed != expected:
                raise ContractViolation(f"{where}: Allow is {sorted(allowed)}, the spec serves {sorted(expected)}")
        body = self._check_content(answer, response, where)

        for operation in operations:
            self.seen.append((*operation, answer.status))
        return Checked(answer, body)

    def expect(self, answer: Answer, path: str, status: int, code: str | None = None) -> Checked:
        """check(), then insists on one status (and for errors, one code)."""
        checked = self.check(answer, path)
        assert checked.status == status, f"{answer.method} {answer.target}: expected {status}, got {checked.status}: {answer.body[:500]!r}"
        if code is not None:
            assert checked.error_code == code, f"{answer.method} {answer.target}: expected code {code!r}, got {checked.error_code!r}"
        return checked

    def _path_item(self, path: str) -> dict:
        try:
            return self.document["paths"][path]
        except KeyError:
            raise ContractViolation(f"{path} is not a path of the spec") from None

    def _operation(self, method: str, path: str) -> dict:
        item = self._path_item(path)
        if method.lower() not in item:
            raise ContractViolation(f"the spec has no {method.upper()} {path}")
        return item[method.lower()]

    def _check_headers(self, answer: Answer, response: dict, where: str) -> None:
        for name, header in response.get("headers", {}).items():
            header = self.resolve(header)
            value = answer.header(name)
            if value is None:
                if header.get("required"):
                    raise ContractViolation(f"{where}: the {name} header is missing")
                continue
            self.validate(value, header["schema"], f"{where}: header {name}")

    def _check_content(self, answer: Answer, response: dict, where: str) -> Any:
        content = response.get("content")
        if not content:
            if answer.body:
                raise ContractViolation(f"{where}: a body, where the spec documents none")
            return None
        content_type = answer.header("Content-Type")
        if content_type is None:
            raise ContractViolation(f"{where}: no Content-Type; documented: {sorted(content)}")
        base, parameters = media_type_parts(content_type)
        for key, media in content.items():
            key_base, key_parameters = media_type_parts(key)
            if key_base == base and all(parameters.get(name) == value for name, value in key_parameters.items()):
                break
        else:
            raise ContractViolation(f"{where}: Content-Type {content_type!r} is not one of {sorted(content)}")

        try:
            text = answer.text()
            body = json.loads(text) if is_json_media_type(base) else text
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ContractViolation(f"{where}: the body is not {base}: {error}: {answer.body[:200]!r}") from None
        if "schema" in media:
            self.validate(body, media["schema"], f"{where}: the body")
        return body
