"""Tests of the reference app's four routes against a real, migrated coffeehouse database.

    COFFEEHOUSE_REFERENCE_DATABASE_URL=postgresql://user:password@host:port/db \
        /usr/bin/python3 -m pytest -q -p no:cacheprovider reference/flask

The database may be empty or seeded: the tests insert the rows they need (marked with a random
token) and delete them afterwards. Without the variable every test fails: a suite that tests
nothing must not pass.
"""

import json
import os
import random
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from app import create_app

HERE = os.path.dirname(os.path.abspath(__file__))
ENV_VAR = "COFFEEHOUSE_REFERENCE_DATABASE_URL"


def random_word(length=10):
    return "".join(random.choice(string.ascii_lowercase) for _ in range(length))


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get(ENV_VAR)
    if not url:
        pytest.fail(
            f"{ENV_VAR} is not set: give it the URL of a migrated coffeehouse database "
            "(coffeehouse migrate upgrade heads), e.g. postgresql://postgres:PASSWORD@127.0.0.1:5432/coffeehouse",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def client(database_url):
    return create_app(database_url).test_client()


@pytest.fixture
def rows(engine):
    """Two coffees with a word no other title has, and three users in a country of their own."""
    word = random_word()
    country = f"Testland {random_word(6).capitalize()}"
    notes = [f"zz-{word}-a", f"zz-{word}-b"]
    with engine.begin() as connection:
        # The weaker match first, so that the ranking, not the id, decides the order.
        weak, strong = (
            connection.execute(
                text("INSERT INTO coffee (title, origin, intensifier, notes) VALUES (:title, 'Testland', 'mild', :notes) RETURNING id"),
                {"title": title, "notes": notes},
            ).scalar_one()
            for title in (f"{word} Blend", f"{word} {word} Roast")
        )
        user_ids = [
            connection.execute(
                text("INSERT INTO users (name, has_sale, address, coffee_id) VALUES (:name, true, :address, :coffee_id) RETURNING id"),
                {"name": name, "address": json.dumps({"country": country, "city": "Test"}), "coffee_id": strong},
            ).scalar_one()
            for name in ("Ada", "Ben", "Cy")
        ]
    yield {"word": word, "country": country, "notes": notes, "weak": weak, "strong": strong, "user_ids": user_ids}
    with engine.begin() as connection:
        connection.execute(
            text("DELETE FROM users WHERE coffee_id IN (:weak, :strong) OR address->>'country' = :country"),
            {"weak": weak, "strong": strong, "country": country},
        )
        connection.execute(text("DELETE FROM coffee WHERE id IN (:weak, :strong)"), {"weak": weak, "strong": strong})


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.get_json()["error"]["code"] == code


def test_notes_are_the_distinct_notes_sorted(client, rows):
    response = client.get("/coffee/notes")
    assert response.status_code == 200
    notes = response.get_json()
    assert notes == sorted(set(notes))
    assert set(rows["notes"]) <= set(notes)
    assert all(notes.count(note) == 1 for note in rows["notes"])  # two coffees list them, once each here


def test_search_ranks_full_text_matches(client, rows):
    word = rows["word"]
    response = client.get("/coffee/search", query_string={"title": word.upper()})
    assert response.status_code == 200
    found = response.get_json()
    assert [coffee["id"] for coffee in found] == [rows["strong"], rows["weak"]]
    assert found[0] == {
        "id": rows["strong"],
        "title": f"{word} {word} Roast",
        "origin": "Testland",
        "intensifier": "mild",
        "notes": rows["notes"],
    }

    # websearch_to_tsquery: several words, exclusions; and limit.
    assert [c["id"] for c in client.get("/coffee/search", query_string={"title": f"{word} roast"}).get_json()] == [rows["strong"]]
    assert [c["id"] for c in client.get("/coffee/search", query_string={"title": f"{word} -roast"}).get_json()] == [rows["weak"]]
    assert len(client.get("/coffee/search", query_string={"title": word, "limit": 1}).get_json()) == 1
    assert client.get("/coffee/search", query_string={"title": random_word()}).get_json() == []

    assert_error(client.get("/coffee/search"), 400, "missing_parameter")
    assert_error(client.get("/coffee/search", query_string={"title": "  "}), 400, "missing_parameter")
    assert_error(client.get("/coffee/search", query_string={"title": word, "limit": 0}), 400, "invalid_parameter")
    assert_error(client.get(f"/coffee/search?title={word}&title={word}"), 400, "invalid_parameter")


def test_users_by_country_pages_by_id(client, rows):
    ids = rows["user_ids"]
    response = client.get("/users", query_string={"country": rows["country"].lower()})
    assert response.status_code == 200
    page = response.get_json()
    assert [user["id"] for user in page["users"]] == ids
    assert page["next_after_id"] is None
    first = page["users"][0]
    assert first["name"] == "Ada" and first["has_sale"] is True and first["surname"] is None
    assert first["address"] == {"country": rows["country"], "city": "Test"}
    assert first["coffee"]["id"] == rows["strong"]

    page = client.get("/users", query_string={"country": rows["country"].upper(), "limit": 2}).get_json()
    assert [user["id"] for user in page["users"]] == ids[:2]
    assert page["next_after_id"] == ids[1]
    page = client.get("/users", query_string={"country": rows["country"], "limit": 2, "after_id": ids[1]}).get_json()
    assert [user["id"] for user in page["users"]] == ids[2:]
    assert page["next_after_id"] is None

    assert client.get("/users", query_string={"country": random_word()}).get_json() == {"users": [], "next_after_id": None}
    assert_error(client.get("/users"), 400, "missing_parameter")
    assert_error(client.get("/users", query_string={"country": rows["country"], "limit": 1001}), 400, "invalid_parameter")


def test_create_user_answers_the_user_and_its_coffee(client, rows, engine):
    # The numbers must come back as written: -7.6590285039183925 and 1.0, digit for digit.
    body = (
        '{"name": "Dora", "surname": "Ng", "has_sale": false, "coffee_id": %d, '
        '"address": {"country": "%s", "latitude": -7.6590285039183925, "floor": 1.0}}' % (rows["weak"], rows["country"])
    )
    response = client.post("/users", data=body, content_type="application/json")
    assert response.status_code == 201, response.get_data(as_text=True)
    user = response.get_json()
    assert response.headers["Location"] == f"/users/{user['id']}"
    assert list(user) == ["id", "name", "surname", "patronomic", "has_sale", "address", "coffee"]
    assert (user["name"], user["surname"], user["patronomic"], user["has_sale"]) == ("Dora", "Ng", None, False)
    assert user["coffee"]["id"] == rows["weak"] and user["coffee"]["notes"] == rows["notes"]
    assert '"latitude":-7.6590285039183925,"floor":1.0}' in response.get_data(as_text=True)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT name, coffee_id, address->>'country' FROM users WHERE id = :id"), {"id": user["id"]}).one()
    assert tuple(stored) == ("Dora", rows["weak"], rows["country"])

    # Without coffee_id a random existing coffee (there are at least the two of the fixture).
    response = client.post("/users", json={"name": "Eve", "address": {"country": rows["country"]}})
    assert response.status_code == 201
    assert response.get_json()["coffee"] is not None


@pytest.mark.parametrize(
    "body, status, code",
    [
        ("{", 400, "malformed_json"),
        ("[]", 400, "invalid_type"),
        ('{"name": "A", "email": "a@example.com"}', 400, "unknown_field"),
        ('{"name": 5}', 400, "invalid_type"),
        ('{"name": "A", "has_sale": "yes"}', 400, "invalid_type"),
        ('{"name": "A", "address": "Paris"}', 400, "invalid_type"),
        ('{"name": "A", "coffee_id": "1"}', 400, "invalid_type"),
        ('{"name": "A", "coffee_id": true}', 400, "invalid_type"),
        ("{}", 422, "validation_failed"),
        ('{"name": ""}', 422, "validation_failed"),
        ('{"name": "%s"}' % ("x" * 51), 422, "validation_failed"),
        ('{"name": "A", "coffee_id": 0}', 422, "validation_failed"),
        ('{"name": "A", "coffee_id": 2147483647}', 422, "unknown_coffee"),
    ],
)
def test_create_user_refuses_bad_input(client, database_url, body, status, code):
    assert_error(client.post("/users", data=body, content_type="application/json"), status, code)


def test_create_user_wants_json(client, database_url):
    assert_error(client.post("/users", data="name=A", content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type")


def test_unknown_path_and_wrong_method_are_json_errors(client, database_url):
    assert_error(client.get("/coffee"), 404, "not_found")
    response = client.delete("/users")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def free_loopback_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app(database_url, rows, tmp_path):
    port = free_loopback_port()
    log_path = tmp_path / "gunicorn.log"
    env = dict(os.environ, DATABASE_URL=database_url)
    with open(log_path, "wb") as log:
        # From another directory: the config file puts reference/flask on the Python path.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", os.path.join(HERE, "gunicorn.conf.py"),
             "-w", "1", "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            assert server.poll() is None, f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/coffee/notes", timeout=5) as response:
                    status, notes = response.status, json.load(response)
                break
            except urllib.error.HTTPError as error:
                pytest.fail(f"gunicorn answered {error.code}: {error.read()!r}\n{log_path.read_text()}")
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn did not answer on port {port}:\n{log_path.read_text()}"
                time.sleep(0.1)
        assert status == 200
        assert set(rows["notes"]) <= set(notes)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
