"""The assignment's own solution on the course's stack: Flask, the SQLAlchemy 1.4 ORM, Gunicorn's
sync workers. A baseline for measuring coffeehouse against; see README.md.

Serves coffeehouse's four seed routes on the same paths, parameters and bodies:
POST /users, GET /coffee/search?title=, GET /coffee/notes, GET /users?country=.
"""

import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, func
from sqlalchemy.orm import joinedload, scoped_session, sessionmaker
from werkzeug.exceptions import BadRequest, HTTPException

from models import Coffee, CoffeeNote, User

MAX_SERIAL_ID = 2**31 - 1
MAX_NAME_LENGTH = 50
USER_FIELDS = {"name", "surname", "patronomic", "has_sale", "address", "coffee_id"}


class ApiError(Exception):
    """Answered as coffeehouse answers errors: {"error": {"code": ..., "message": ...}}."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(code, message):
    return {"error": {"code": code, "message": message}}


def query_param(name):
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ApiError(400, "invalid_parameter", f"query parameter '{name}' is given more than once")
    return values[0] if values else None


def int_param(name, default, low, high):
    text = query_param(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        raise ApiError(400, "invalid_parameter", f"query parameter '{name}' must be an integer from {low} to {high}")
    return int(text)


def parse_new_user():
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "the body must be JSON (Content-Type: application/json)")
    try:
        body = request.get_json()
    except BadRequest:
        raise ApiError(400, "malformed_json", "the body is not valid JSON")
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_type", "the body must be a JSON object")
    for field in body:
        if field not in USER_FIELDS:
            raise ApiError(400, "unknown_field", f"unknown field '{field}'")

    if body.get("name") is None:
        raise ApiError(422, "validation_failed", "name is required")
    for field in ("name", "surname", "patronomic"):
        value = body.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ApiError(400, "invalid_type", f"{field} must be a string or null")
        if "\0" in value:
            raise ApiError(422, "validation_failed", f"{field} must not contain NUL characters")
        if len(value) > MAX_NAME_LENGTH:
            raise ApiError(422, "validation_failed", f"{field} must be at most {MAX_NAME_LENGTH} characters")
    if body["name"] == "":
        raise ApiError(422, "validation_failed", "name must not be empty")

    has_sale = body.get("has_sale")
    if has_sale is not None and not isinstance(has_sale, bool):
        raise ApiError(400, "invalid_type", "has_sale must be true, false or null")
    address = body.get("address")
    if address is not None and not isinstance(address, dict):
        raise ApiError(400, "invalid_type", "address must be a JSON object or null")
    coffee_id = body.get("coffee_id")
    if coffee_id is not None:
        if isinstance(coffee_id, bool) or not isinstance(coffee_id, int):
            raise ApiError(400, "invalid_type", "coffee_id must be an integer or null")
        if not 1 <= coffee_id <= MAX_SERIAL_ID:
            raise ApiError(422, "validation_failed", "coffee_id must be an existing coffee's id")
    return body


def create_app(database_url):
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the documents' key order, as coffeehouse writes them
    app.json.ensure_ascii = False

    engine = create_engine(database_url)
    db_session = scoped_session(sessionmaker(bind=engine))
    app.extensions["db_session"] = db_session

    @app.teardown_appcontext
    def remove_session(exception=None):
        db_session.remove()

    @app.errorhandler(ApiError)
    def api_error(error):
        return jsonify(error_body(error.code, error.message)), error.status

    @app.errorhandler(HTTPException)
    def http_error(error):
        # 404 and 405 (with its Allow header) in the same JSON shape as every other error.
        code = error.name.lower().replace(" ", "_")
        allow = {name: value for name, value in error.get_headers() if name == "Allow"}
        return jsonify(error_body(code, error.description)), error.code, allow

    @app.errorhandler(Exception)
    def internal_error(error):
        app.logger.exception("unhandled error")
        return jsonify(error_body("internal_error", "an internal error occurred")), 500

    @app.post("/users")
    def create_user():
        body = parse_new_user()
        coffee_id = body.get("coffee_id")
        if coffee_id is None:
            coffee = db_session.query(Coffee).order_by(func.random()).first()
        else:
            coffee = db_session.get(Coffee, coffee_id)
            if coffee is None:
                raise ApiError(422, "unknown_coffee", f"coffee_id {coffee_id} does not exist")
        user = User(
            name=body["name"],
            surname=body.get("surname"),
            patronomic=body.get("patronomic"),
            has_sale=body.get("has_sale"),
            address=body.get("address"),
            coffee=coffee,
        )
        db_session.add(user)
        db_session.commit()
        return jsonify(user.to_json()), 201, {"Location": f"/users/{user.id}"}

    @app.get("/coffee/search")
    def search_coffee():
        title = query_param("title")
        if title is None or not title.strip(" \t\r\n"):
            raise ApiError(400, "missing_parameter", "query parameter 'title' is required and must not be blank")
        limit = int_param("limit", 50, 1, 1000)
        query = func.websearch_to_tsquery("english", title)
        coffees = (
            db_session.query(Coffee)
            .filter(Coffee.title_tsv.op("@@")(query))
            .order_by(func.ts_rank(Coffee.title_tsv, query).desc(), Coffee.id)
            .limit(limit)
            .all()
        )
        return jsonify([coffee.to_json() for coffee in coffees])

    @app.get("/coffee/notes")
    def list_notes():
        notes = db_session.query(CoffeeNote.note).order_by(CoffeeNote.note).all()
        return jsonify([note for (note,) in notes])

    @app.get("/users")
    def users_by_country():
        country = query_param("country")
        if not country:
            raise ApiError(400, "missing_parameter", "query parameter 'country' is required")
        limit = int_param("limit", 100, 1, 1000)
        after_id = int_param("after_id", 0, 0, MAX_SERIAL_ID)
        users = (
            db_session.query(User)
            .options(joinedload(User.coffee))
            .filter(func.lower(User.address["country"].astext) == func.lower(country), User.id > after_id)
            .order_by(User.id)
            .limit(limit)
            .all()
        )
        next_after_id = users[-1].id if len(users) == limit else None
        return jsonify(users=[user.to_json() for user in users], next_after_id=next_after_id)

    return app


app = create_app(os.environ.get("DATABASE_URL", "postgresql://localhost/skillbox_db"))
