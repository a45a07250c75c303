"""SQLAlchemy 1.4 ORM models of the coffeehouse schema (schema/versions/*.sql).

The tables are created and changed by coffeehouse's migrations, never by this app: these classes
only map what is there.
"""

from sqlalchemy import Boolean, Column, Computed, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, JSON, TSVECTOR
from sqlalchemy.orm import declarative_base, deferred, relationship

Base = declarative_base()


class Coffee(Base):
    __tablename__ = "coffee"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    origin = Column(String(200))
    intensifier = Column(String(100))
    notes = Column(ARRAY(String))
    # to_tsvector('english', title), generated and indexed (migration 6a8b0c2d4e6f); deferred:
    # the search filters and ranks on it, nothing needs to load it.
    title_tsv = deferred(Column(TSVECTOR, Computed("to_tsvector('english', title)", persisted=True)))

    def to_json(self):
        return {
            "id": self.id,
            "title": self.title,
            "origin": self.origin,
            "intensifier": self.intensifier,
            "notes": self.notes or [],
        }


class CoffeeNote(Base):
    """The distinct notes of all coffees, kept by triggers on coffee (migration 5e7f9a1b3c5d)."""

    __tablename__ = "coffee_note"

    note = Column(String, primary_key=True)
    uses = Column(Integer, nullable=False)


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    surname = Column(String(50))
    patronomic = Column(String(50))
    has_sale = Column(Boolean)
    address = Column(JSON)
    coffee_id = Column(Integer, ForeignKey("coffee.id"))

    coffee = relationship(Coffee)

    def to_json(self):
        return {
            "id": self.id,
            "name": self.name,
            "surname": self.surname,
            "patronomic": self.patronomic,
            "has_sale": self.has_sale,
            "address": self.address,
            "coffee": self.coffee.to_json() if self.coffee is not None else None,
        }
