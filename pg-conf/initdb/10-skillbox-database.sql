-- Task 2.1: the database skillbox_db, owned by the application user.
--
-- The postgres image runs this file once, on an empty data directory, as POSTGRES_USER (a
-- superuser) connected to POSTGRES_DB. A person runs it with psql as a superuser, or as a role
-- with CREATEDB:
--   psql -v app_user=coffeehouse -f pg-conf/initdb/10-skillbox-database.sql
--
-- psql variables, both optional:
--   app_user  the role that owns the database (default: the environment's APP_DB_USER, the role
--             05-app-role.sql creates; without it, the connecting user, which in the image is
--             POSTGRES_USER); it must exist already
--   db_name   the database (default: skillbox_db)
-- Running it again changes nothing and fails nothing.
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

-- CREATE DATABASE has no IF NOT EXISTS and cannot run in a DO block (it refuses a transaction),
-- so the statement is built here and \gexec runs it only when the database is missing.
SELECT format('CREATE DATABASE %I OWNER %I', :'db_name', :'app_user')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name') \gexec

-- A database that existed already (POSTGRES_DB=skillbox_db: the image creates it, owned by
-- POSTGRES_USER) keeps its owner; app_user gets the same rights on it either way.
GRANT ALL PRIVILEGES ON DATABASE :"db_name" TO :"app_user";
