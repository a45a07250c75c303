-- Task 2.2: connect to skillbox_db and create the table test_psql_table, owned by the
-- application user. Runs after 10-skillbox-database.sql, in the image and by hand:
--   psql -v app_user=coffeehouse -f pg-conf/initdb/10-skillbox-database.sql \
--                                -f pg-conf/initdb/20-test-psql-table.sql
-- Same optional psql variables, same defaults: app_user (APP_DB_USER from the environment, else
-- the connecting user), db_name (skillbox_db). Running it again changes nothing and fails nothing.
\set ON_ERROR_STOP on

\if :{?app_user}
\else
\getenv app_user APP_DB_USER
\endif
\if :{?app_user}
\else
SELECT current_user AS app_user \gset
\endif
\if :{?db_name}
\else
\set db_name skillbox_db
\endif

\c :"db_name"

-- Since PostgreSQL 15 only the database owner may create tables in schema public. When the
-- database existed before with another owner, this lets app_user create them too.
GRANT USAGE, CREATE ON SCHEMA public TO :"app_user";

-- As app_user, so that the table is theirs, whoever runs the script.
SET ROLE :"app_user";
CREATE TABLE IF NOT EXISTS test_psql_table (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      varchar(100) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
RESET ROLE;
