# Sourced (not executed: no exec bit) by the postgres image's entrypoint once, on an empty data
# directory, after 05-, 10- and 20-. Lets docker-compose.yml's db-replica (profile "scale") clone
# this server with pg_basebackup and stream from it.
#
# The image's pg_hba.conf has `host all all all scram-sha-256`, and "all" never matches a
# replication connection, which needs a line of its own. It is for POSTGRES_USER only, with its
# password: a superuser may already do anything, streaming included, so the line grants nothing
# new. (scripts/ha, with Patroni, replicates as a dedicated role instead.)
printf '%s\n' '# Added by pg-conf/initdb/30-replication-hba.sh: db-replica streams as POSTGRES_USER.' \
  "host replication $POSTGRES_USER all scram-sha-256" >>"$PGDATA/pg_hba.conf"
