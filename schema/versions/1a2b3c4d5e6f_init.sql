-- revision: 1a2b3c4d5e6f
-- down_revision:
-- message: init: the seed's coffee and users tables
-- create_date: 2026-11-25 08:00:00

-- upgrade
CREATE TABLE coffee (
    id SERIAL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    origin VARCHAR(200),
    intensifier VARCHAR(100),
    notes VARCHAR[]
);

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    has_sale BOOLEAN,
    address JSON,
    coffee_id INTEGER REFERENCES coffee (id)
);

-- GET /coffee/search: the expression must match the one in the search statement exactly.
CREATE INDEX coffee_title_fts_idx ON coffee USING GIN (to_tsvector('english', title));

-- GET /users?country=: equality on the folded country, then keyset order by id.
CREATE INDEX users_country_id_idx ON users (lower(address ->> 'country'), id);

-- The foreign key is checked on coffee deletes; without this index each check scans users.
CREATE INDEX users_coffee_id_idx ON users (coffee_id);

-- downgrade
DROP TABLE users;
DROP TABLE coffee;
