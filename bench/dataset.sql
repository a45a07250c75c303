-- A synthetic dataset for benchmarks: :coffees coffees and :users users shaped like the seed's
-- (random-data-api.com addresses with all 23 fields), generated set-based in one transaction.
-- Replaces whatever the tables held; ids start at 1, so ids 1..:users and 1..:coffees all exist.
--
--   psql -X -v coffees=10000 -v users=100000 [-v random_seed=0.42] -f bench/dataset.sql DBNAME
--
-- Countries follow a skewed distribution: a few hold most users, a few hold a handful (see the
-- weights below), so GET /users?country= is measured on both full and nearly empty pages.
-- Deterministic for a given seed and size, except the uid fields (gen_random_uuid).
\set ON_ERROR_STOP on
\if :{?coffees}
\else
  \set coffees 10000
\endif
\if :{?users}
\else
  \set users 100000
\endif
\if :{?random_seed}
\else
  \set random_seed 0.42
\endif

BEGIN;
-- The data is thrown away and regenerated if lost; no need to wait for the WAL flush.
SET LOCAL synchronous_commit = off;
-- Skips the foreign-key trigger on users.coffee_id (a third of the load time): every coffee_id
-- below is drawn from 1..:coffees, which exist. Needs a superuser, which scripts/bench is.
SET LOCAL session_replication_role = replica;
SELECT setseed(:random_seed) \gset

-- One random element of a list. VOLATILE, so it is drawn again for every row.
CREATE FUNCTION pg_temp.pick(words text[]) RETURNS text LANGUAGE sql VOLATILE
  RETURN words[1 + floor(random() * cardinality(words))::integer];
-- A string of random decimal digits, leading zeros kept.
CREATE FUNCTION pg_temp.digits(count integer) RETURNS text LANGUAGE sql VOLATILE
  RETURN lpad(floor(random() * 10 ^ count)::bigint::text, count, '0');

TRUNCATE users, coffee RESTART IDENTITY;

-- Word lists, as functions of constants: the planner folds them into the statements (a table's
-- row of big arrays would be fetched and decompressed again for every generated row).
CREATE FUNCTION pg_temp.blend_first() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Morning', 'Velvet', 'Highland', 'Midnight', 'Harvest', 'Golden', 'Ember', 'Summit', 'Riverbend',
        'Copper', 'Wild', 'Sunrise', 'Cloud', 'Cascade', 'Northern', 'Southern', 'Black', 'Honey', 'Forest',
        'Volcano', 'Misty', 'Royal', 'Silk', 'Thunder', 'Jungle', 'Canyon', 'Coastal', 'Autumn', 'Winter',
        'Crimson', 'Amber', 'Cedar', 'Granite', 'Lucky', 'Humble', 'Bold', 'Quiet', 'Rustic', 'Hidden', 'Twilight'];
CREATE FUNCTION pg_temp.blend_second() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Bean', 'Peak', 'Valley', 'Garden', 'Estate', 'River', 'Trail', 'Harbor', 'Mountain', 'Farm', 'Orchard',
        'Mill', 'Meadow', 'Ridge', 'Hollow', 'Station', 'Lantern', 'Compass', 'Anchor', 'Fox', 'Owl', 'Crow',
        'Bear', 'Tiger', 'Falcon', 'Sparrow', 'Moon', 'Sun', 'Star', 'Comet'];
CREATE FUNCTION pg_temp.blend_style() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Blend', 'Roast', 'Reserve', 'Espresso', 'Select', 'Cup', 'Delight', 'Breaker', 'Mug', 'Classic',
        'Crema', 'Brew'];
CREATE FUNCTION pg_temp.origins() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Huila, Colombia', 'Nariño, Colombia', 'Yirgacheffe, Ethiopia', 'Sidama, Ethiopia', 'Guji, Ethiopia',
        'Antigua, Guatemala', 'Huehuetenango, Guatemala', 'Tarrazu, Costa Rica', 'Kona, Hawaii', 'Nyeri, Kenya',
        'Kirinyaga, Kenya', 'Cerrado, Brazil', 'Sul de Minas, Brazil', 'Mogiana, Brazil', 'Aceh, Indonesia',
        'Toraja, Indonesia', 'Chiapas, Mexico', 'Veracruz, Mexico', 'Cajamarca, Peru', 'Copan, Honduras',
        'Blue Mountains, Jamaica', 'Santa Ana, El Salvador', 'Matagalpa, Nicaragua', 'Boquete, Panama',
        'Kivu, Congo', 'Nyamasheke, Rwanda', 'Kayanza, Burundi', 'Mbeya, Tanzania', 'Dak Lak, Vietnam',
        'Chikmagalur, India'];
CREATE FUNCTION pg_temp.intensifiers() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['delicate', 'bright', 'juicy', 'dense', 'vibrant', 'soft', 'deep', 'mild', 'tart', 'rounded', 'clean',
        'balanced'];
-- 31 notes, a prime count: see the note selection below.
CREATE FUNCTION pg_temp.notes() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['crisp', 'bright', 'chocolate', 'caramel', 'lemon', 'bergamot', 'jasmine', 'black tea', 'blueberry',
        'cherry', 'honey', 'molasses', 'hazelnut', 'almond', 'cocoa', 'brown sugar', 'toffee', 'smokey', 'earthy',
        'tomato', 'grapefruit', 'apricot', 'vanilla', 'cinnamon', 'clove', 'papaya', 'walnut', 'syrupy', 'plum',
        'orange', 'butter'];
CREATE FUNCTION pg_temp.first_names() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Anna', 'Boris', 'Chloe', 'Dmitry', 'Elena', 'Felix', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Liam',
        'Maya', 'Nikolai', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sven', 'Tanya', 'Umar', 'Vera', 'Wen', 'Ximena',
        'Yuki', 'Zoe', 'Aleksei', 'Beatriz', 'Carlos', 'Daria', 'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan',
        'Julia', 'Kofi', 'Lucia', 'Mateo', 'Nadia'];
CREATE FUNCTION pg_temp.surnames() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Ivanov', 'Smith', 'Müller', 'Silva', 'Tanaka', 'García', 'Rossi', 'Dubois', 'Kowalski', 'Novak',
        'Jensen', 'Okafor', 'Haddad', 'Nguyen', 'Kim', 'Petrov', 'Johnson', 'Schmidt', 'Santos', 'Sato', 'López',
        'Romano', 'Martin', 'Nowak', 'Horvat', 'Larsen', 'Mensah', 'Khalil', 'Tran', 'Park'];
CREATE FUNCTION pg_temp.patronomics() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Ivanovich', 'Petrovna', 'Sergeevich', 'Alekseevna', 'Nikolaevich', 'Dmitrievna', 'Pavlovich',
        'Andreevna', 'Olegovich', 'Borisovna'];
CREATE FUNCTION pg_temp.street_stems() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Maple', 'Cedar', 'Oak', 'Lincoln', 'Market', 'Church', 'Mill', 'Park', 'River', 'Lake', 'Hill',
        'Station', 'Garden', 'Bridge', 'Harbor', 'Sunset', 'Willow', 'Elm', 'King', 'Queen'];
CREATE FUNCTION pg_temp.street_suffixes() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Street', 'Avenue', 'Road', 'Lane', 'Boulevard', 'Way', 'Court', 'Drive', 'Place', 'Square'];
CREATE FUNCTION pg_temp.communities() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['Park Crossing', 'Willow Gardens', 'River Commons', 'Sunset Pointe', 'Maple Village', 'Harbor Heights'];
CREATE FUNCTION pg_temp.city_prefixes() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['North', 'South', 'East', 'West', 'New', 'Port', 'Lake', 'Fort'];
CREATE FUNCTION pg_temp.city_suffixes() RETURNS text[] LANGUAGE sql IMMUTABLE RETURN
  ARRAY['ville', 'burgh', 'fort', 'haven', 'mouth', 'side', 'land', 'borough'];

-- Weight: share of users, in percent. Cities, states and state codes are parallel arrays.
CREATE TEMP TABLE countries ON COMMIT DROP AS
SELECT row_number() OVER () AS position, * FROM (VALUES
  ('United States', 'US', 25.0, ARRAY['Portland', 'Austin', 'Boston'], ARRAY['Oregon', 'Texas', 'Massachusetts'], ARRAY['OR', 'TX', 'MA'], 'America/Chicago', 39.8, -98.6, 5),
  ('Germany', 'DE', 10.0, ARRAY['Berlin', 'Hamburg', 'Munich'], ARRAY['Berlin', 'Hamburg', 'Bavaria'], ARRAY['BE', 'HH', 'BY'], 'Europe/Berlin', 51.2, 10.4, 5),
  ('Brazil', 'BR', 9.0, ARRAY['São Paulo', 'Belo Horizonte', 'Curitiba'], ARRAY['São Paulo', 'Minas Gerais', 'Paraná'], ARRAY['SP', 'MG', 'PR'], 'America/Sao_Paulo', -14.2, -51.9, 8),
  ('Japan', 'JP', 8.0, ARRAY['Tokyo', 'Osaka', 'Kyoto'], ARRAY['Tokyo', 'Osaka', 'Kyoto'], ARRAY['13', '27', '26'], 'Asia/Tokyo', 36.2, 138.3, 7),
  ('United Kingdom', 'GB', 7.0, ARRAY['London', 'Manchester', 'Leeds'], ARRAY['England', 'England', 'England'], ARRAY['ENG', 'ENG', 'ENG'], 'Europe/London', 55.4, -3.4, 6),
  ('France', 'FR', 6.0, ARRAY['Paris', 'Lyon', 'Marseille'], ARRAY['Île-de-France', 'Auvergne-Rhône-Alpes', 'Provence'], ARRAY['IDF', 'ARA', 'PAC'], 'Europe/Paris', 46.2, 2.2, 5),
  ('India', 'IN', 6.0, ARRAY['Bengaluru', 'Mumbai', 'Chennai'], ARRAY['Karnataka', 'Maharashtra', 'Tamil Nadu'], ARRAY['KA', 'MH', 'TN'], 'Asia/Kolkata', 20.6, 79.0, 6),
  ('Colombia', 'CO', 5.0, ARRAY['Bogotá', 'Medellín', 'Cali'], ARRAY['Bogotá D.C.', 'Antioquia', 'Valle del Cauca'], ARRAY['DC', 'ANT', 'VAC'], 'America/Bogota', 4.6, -74.3, 6),
  ('Mexico', 'MX', 4.0, ARRAY['Mexico City', 'Guadalajara', 'Oaxaca'], ARRAY['Mexico City', 'Jalisco', 'Oaxaca'], ARRAY['CMX', 'JAL', 'OAX'], 'America/Mexico_City', 23.6, -102.6, 5),
  ('Canada', 'CA', 4.0, ARRAY['Toronto', 'Vancouver', 'Montreal'], ARRAY['Ontario', 'British Columbia', 'Quebec'], ARRAY['ON', 'BC', 'QC'], 'America/Toronto', 56.1, -106.3, 6),
  ('Italy', 'IT', 3.0, ARRAY['Rome', 'Milan', 'Naples'], ARRAY['Lazio', 'Lombardy', 'Campania'], ARRAY['LAZ', 'LOM', 'CAM'], 'Europe/Rome', 41.9, 12.6, 5),
  ('Spain', 'ES', 3.0, ARRAY['Madrid', 'Barcelona', 'Valencia'], ARRAY['Madrid', 'Catalonia', 'Valencia'], ARRAY['MD', 'CT', 'VC'], 'Europe/Madrid', 40.5, -3.7, 5),
  ('Australia', 'AU', 2.5, ARRAY['Sydney', 'Melbourne', 'Brisbane'], ARRAY['New South Wales', 'Victoria', 'Queensland'], ARRAY['NSW', 'VIC', 'QLD'], 'Australia/Sydney', -25.3, 133.8, 4),
  ('Kenya', 'KE', 2.0, ARRAY['Nairobi', 'Nyeri', 'Mombasa'], ARRAY['Nairobi', 'Nyeri', 'Mombasa'], ARRAY['30', '36', '28'], 'Africa/Nairobi', -0.0, 37.9, 5),
  ('Ethiopia', 'ET', 1.5, ARRAY['Addis Ababa', 'Hawassa', 'Jimma'], ARRAY['Addis Ababa', 'Sidama', 'Oromia'], ARRAY['AA', 'SI', 'OR'], 'Africa/Addis_Ababa', 9.1, 40.5, 4),
  ('Netherlands', 'NL', 1.5, ARRAY['Amsterdam', 'Rotterdam', 'Utrecht'], ARRAY['North Holland', 'South Holland', 'Utrecht'], ARRAY['NH', 'ZH', 'UT'], 'Europe/Amsterdam', 52.1, 5.3, 4),
  ('Sweden', 'SE', 1.0, ARRAY['Stockholm', 'Gothenburg', 'Malmö'], ARRAY['Stockholm', 'Västra Götaland', 'Skåne'], ARRAY['AB', 'O', 'M'], 'Europe/Stockholm', 60.1, 18.6, 5),
  ('Vietnam', 'VN', 1.0, ARRAY['Hanoi', 'Ho Chi Minh City', 'Buon Ma Thuot'], ARRAY['Hanoi', 'Ho Chi Minh City', 'Dak Lak'], ARRAY['HN', 'SG', '33'], 'Asia/Ho_Chi_Minh', 14.1, 108.3, 6),
  ('Iceland', 'IS', 0.05, ARRAY['Reykjavík', 'Akureyri', 'Kópavogur'], ARRAY['Capital Region', 'Northeastern', 'Capital Region'], ARRAY['1', '6', '1'], 'Atlantic/Reykjavik', 64.9, -19.0, 3),
  ('Liechtenstein', 'LI', 0.01, ARRAY['Vaduz', 'Schaan', 'Triesen'], ARRAY['Vaduz', 'Schaan', 'Triesen'], ARRAY['11', '07', '09'], 'Europe/Vaduz', 47.2, 9.6, 4),
  ('Bhutan', 'BT', 0.01, ARRAY['Thimphu', 'Paro', 'Punakha'], ARRAY['Thimphu', 'Paro', 'Punakha'], ARRAY['15', '11', '23'], 'Asia/Thimphu', 27.5, 90.4, 5),
  ('Tuvalu', 'TV', 0.005, ARRAY['Funafuti', 'Vaitupu', 'Nanumea'], ARRAY['Funafuti', 'Vaitupu', 'Nanumea'], ARRAY['FUN', 'VAI', 'NMA'], 'Pacific/Funafuti', -7.1, 177.6, 4),
  ('Nauru', 'NR', 0.003, ARRAY['Yaren', 'Aiwo', 'Denigomodu'], ARRAY['Yaren', 'Aiwo', 'Denigomodu'], ARRAY['14', '01', '07'], 'Pacific/Nauru', -0.5, 166.9, 4)
) AS listed(name, code, weight, cities, states, state_abbrs, time_zone, latitude, longitude, zip_digits);

-- Blends: three word lists combined (14,400 titles, so some repeat at 10k+ coffees), 3-5
-- distinct notes each. Stepping through the 31 notes by a step coprime to 31 never repeats one.
INSERT INTO coffee (title, origin, intensifier, notes)
SELECT concat_ws(' ', pg_temp.pick(pg_temp.blend_first()), pg_temp.pick(pg_temp.blend_second()),
                 pg_temp.pick(pg_temp.blend_style())),
       pg_temp.pick(pg_temp.origins()),
       pg_temp.pick(pg_temp.intensifiers()),
       ARRAY(SELECT (pg_temp.notes())[1 + (d.first_note + k * d.step) % 31] FROM generate_series(0, d.note_count - 1) AS k)
FROM LATERAL (SELECT n,
                     floor(random() * 31)::integer AS first_note,
                     1 + floor(random() * 30)::integer AS step,
                     3 + floor(random() * 3)::integer AS note_count
              FROM generate_series(1, :coffees) AS n) AS d;

-- A country by weight: width_bucket finds the draw's place among the cumulative lower bounds.
CREATE TEMP TABLE country_bounds ON COMMIT DROP AS
SELECT array_agg(lower_bound ORDER BY position) AS lower_bounds
FROM (SELECT position,
             coalesce(sum(weight) OVER (ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
               / sum(weight) OVER () AS lower_bound
      FROM countries) AS bounds;

INSERT INTO users (name, surname, patronomic, has_sale, address, coffee_id)
SELECT pg_temp.pick(pg_temp.first_names()),
       pg_temp.pick(pg_temp.surnames()),
       CASE WHEN random() < 0.3 THEN pg_temp.pick(pg_temp.patronomics()) END,
       random() < 0.5,
       json_build_object(
         'id', 1000 + floor(random() * 9000)::integer,
         'uid', gen_random_uuid(),
         'city', c.cities[a.city_index],
         'street_name', a.street_name,
         'street_address', a.street_address,
         'secondary_address', CASE WHEN random() < 0.5 THEN 'Apt. ' ELSE 'Suite ' END || (1 + floor(random() * 999)::integer),
         'building_number', a.building_number,
         'mail_box', 'PO Box ' || (100 + floor(random() * 9900)::integer),
         'community', pg_temp.pick(pg_temp.communities()),
         'zip_code', a.zip_code,
         'zip', pg_temp.digits(c.zip_digits),
         'postcode', pg_temp.digits(c.zip_digits),
         'time_zone', c.time_zone,
         'street_suffix', a.street_suffix,
         'city_suffix', pg_temp.pick(pg_temp.city_suffixes()),
         'city_prefix', pg_temp.pick(pg_temp.city_prefixes()),
         'state', c.states[a.city_index],
         'state_abbr', c.state_abbrs[a.city_index],
         'country', c.name,
         'country_code', c.code,
         'latitude', round((c.latitude + random() * 4 - 2)::numeric, 6),
         'longitude', round((c.longitude + random() * 4 - 2)::numeric, 6),
         'full_address', a.street_address || ', ' || a.zip_code || ' ' || c.cities[a.city_index] || ', '
                         || c.state_abbrs[a.city_index] || ', ' || c.name),
       1 + floor(random() * :coffees)::integer
FROM country_bounds b,
     LATERAL (SELECT n, width_bucket(random(), b.lower_bounds) AS country_position, random() AS city_draw,
                     pg_temp.pick(pg_temp.street_stems()) AS stem, pg_temp.pick(pg_temp.street_suffixes()) AS street_suffix,
                     (1 + floor(random() * 9999)::integer)::text AS building_number
              FROM generate_series(1, :users) AS n) AS d
     JOIN countries c ON c.position = d.country_position,
     LATERAL (SELECT 1 + floor(d.city_draw * cardinality(c.cities))::integer AS city_index,
                     d.stem || ' ' || d.street_suffix AS street_name,
                     d.street_suffix,
                     d.building_number,
                     d.building_number || ' ' || d.stem || ' ' || d.street_suffix AS street_address,
                     pg_temp.digits(c.zip_digits) AS zip_code) AS a;

COMMIT;

-- Fresh statistics and visibility map: the planner and index-only scans see the real tables.
VACUUM (ANALYZE) coffee, users;
SELECT (SELECT count(*) FROM coffee) AS coffees, (SELECT count(*) FROM users) AS users;
