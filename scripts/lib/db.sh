# shellcheck shell=bash
# Application role and database provisioning on a scripts/pg-cluster cluster (or, through
# role_and_database_sql, on scripts/ha's Patroni primary). Sourced after common.sh; used by
# scripts/run, scripts/test and scripts/ha so all set up the database the same way.

# ensure_role_and_database CLUSTER_DIR ROLE PASSWORD DATABASE
# Creates ROLE (LOGIN) and DATABASE owned by it if missing, and (re)sets ROLE's password every
# time, so a regenerated password file never locks the application out of an existing cluster.
ensure_role_and_database() {
  local cluster_dir="$1" sql
  # Assigned first, so that a refused value stops here instead of feeding psql an empty script.
  sql="$(role_and_database_sql "$2" "$3" "$4")"
  "$REPO_ROOT/scripts/pg-cluster" psql --dir "$cluster_dir" -- -X -q -v ON_ERROR_STOP=1 -d postgres <<<"$sql"
}

# role_and_database_sql ROLE PASSWORD DATABASE
# The psql script ensure_role_and_database runs, for any superuser psql (scripts/ha has no
# scripts/pg-cluster cluster). The values, checked to be plain words, reach the statements only as
# psql variables, quoted by psql (:'x', :"x") or by format's %I. The password travels on psql's stdin, not argv, so it
# never shows up in `ps`. Statement logging is switched off for the session because ALTER ROLE ...
# PASSWORD would otherwise be written to the server log in clear text if someone turns
# log_statement on.
role_and_database_sql() {
  local role="$1" password="$2" database="$3"
  require_plain_word "role" "$role"
  require_plain_word "password" "$password"
  require_plain_word "database" "$database"
  cat <<SQL
SET log_statement = 'none';
SET log_min_duration_statement = -1;
\set role '$role'
\set password '$password'
\set database '$database'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SQL
}

# libpq URL over TCP to 127.0.0.1: the way the service and the tests connect (scram-sha-256).
pg_tcp_url() {
  local user="$1" password="$2" port="$3" database="$4"
  printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$user" "$password" "$port" "$database"
}
