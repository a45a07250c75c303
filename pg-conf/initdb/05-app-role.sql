-- The application's role: a login that is not a superuser. The app and its migrations connect as
-- this role, so a bug or an injected statement in the service cannot do what only a superuser can.
--
-- The postgres image runs this file first (then 10- and 20-, which give the role skillbox_db and
-- its table), once, on an empty data directory, as POSTGRES_USER connected to POSTGRES_DB, the
-- database the app uses. It reads the environment:
--   APP_DB_USER      the role to create (docker-compose.yml passes it from .env); when unset,
--                    this file does nothing and the connecting user owns everything
--   APP_DB_PASSWORD  its password (required with APP_DB_USER)
-- By hand, as a superuser (it sets the session's logging), connected to the app's database:
--   APP_DB_USER=coffeehouse_app APP_DB_PASSWORD=... psql -f pg-conf/initdb/05-app-role.sql
-- A role that exists already is left as it is. Running it again changes nothing and fails nothing.
\set ON_ERROR_STOP on

-- Names of their own: `-v app_user=...`, which 10- and 20- take, must not trigger this file.
\getenv app_role APP_DB_USER
\getenv app_role_password APP_DB_PASSWORD

\if :{?app_role}
\if :{?app_role_password}
-- The password is in this session's statements: keep them out of the server log, whatever
-- postgresql.conf says about logging statements, slow ones or failed ones.
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = panic;
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_role', :'app_role_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
-- The app's database is POSTGRES_DB, which may not be skillbox_db (10- and 20- see to that one):
-- the role may connect to it and create its tables in schema public, which PostgreSQL 15 no
-- longer lets every role do.
SELECT format('GRANT ALL PRIVILEGES ON DATABASE %I TO %I', current_database(), :'app_role') \gexec
GRANT USAGE, CREATE ON SCHEMA public TO :"app_role";
RESET log_statement;
RESET log_min_duration_statement;
RESET log_min_error_statement;
\else
DO $$ BEGIN RAISE EXCEPTION 'APP_DB_USER is set but APP_DB_PASSWORD is not: the role needs a password'; END $$;
\endif
\endif
