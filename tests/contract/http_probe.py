"""A small HTTP/1.1 client on the standard library: well-formed requests through http.client, and
raw bytes for the requests a well-behaved client cannot send (malformed, oversized, bad targets).
Each request uses a connection of its own, so one test's closed connection never affects another."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from openapi_contract import Answer

TIMEOUT_SECONDS = 15


class HttpProbe:
    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"expected a base URL like http://127.0.0.1:8080, got {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80

    def request(self, method: str, target: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(method, target, response.status, tuple(response.getheaders()), response.read())
        finally:
            connection.close()

    def get(self, target: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", target, headers=headers)

    def post_json(self, target: str, document: Any) -> Answer:
        return self.post_text(target, json.dumps(document))

    def post_text(self, target: str, text: str, content_type: str | None = "application/json") -> Answer:
        headers = {} if content_type is None else {"Content-Type": content_type}
        return self.request("POST", target, body=text.encode("utf-8"), headers=headers)

    def raw(self, method: str, target: str, data: bytes) -> Answer:
        """Sends `data` as it is and reads one response. `method` and `target` are what `data` asks
        for, kept with the answer for the checker and for messages."""
        with socket.create_connection((self.host, self.port), timeout=TIMEOUT_SECONDS) as sock:
            try:
                sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the service may answer and close before it has read everything: read the answer
            response = http.client.HTTPResponse(sock, method=method)
            response.begin()
            return Answer(method, target, response.status, tuple(response.getheaders()), response.read())

    def raw_request(self, method: str, target: str, extra_headers: str = "", body: bytes = b"") -> Answer:
        head = f"{method} {target} HTTP/1.1\r\nHost: {self.host}\r\nConnection: close\r\n{extra_headers}\r\n"
        return self.raw(method, target, head.encode("latin-1") + body)
