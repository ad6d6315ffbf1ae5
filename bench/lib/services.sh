# The PostgreSQL database and Elasticsearch node a benchmark runs against; sourced by
# bench/run and bench/crosslang after scripts/lib/postgres.sh and elasticsearch.sh.
#
# BENCH_DATABASE_URL and BENCH_ELASTICSEARCH_URL name running ones: scripts/test passes
# its own, so the test command starts each service once. Without them, throwaway ones
# are started on 127.0.0.1 as in scripts/test (pg_stop / es_stop end them; both do
# nothing for services given). Named apart from DATABASE_URL on purpose: a benchmark
# loads the demo and rewrites offers, so it never runs on a database by accident.

bench_services_start() {
  if [ -n "${BENCH_DATABASE_URL:-}" ] && [ -n "${BENCH_ELASTICSEARCH_URL:-}" ]; then
    export DATABASE_URL=$BENCH_DATABASE_URL ELASTICSEARCH_URL=$BENCH_ELASTICSEARCH_URL
    # Not ours to stop, even if a caller exported where its own live.
    PG_DIR= ES_DIR=
  elif [ -n "${BENCH_DATABASE_URL:-}${BENCH_ELASTICSEARCH_URL:-}" ]; then
    echo "BENCH_DATABASE_URL and BENCH_ELASTICSEARCH_URL are set together or not at all" >&2
    return 1
  else
    pg_start >/dev/null || return 1
    es_start >/dev/null || return 1
    export ELASTICSEARCH_URL=$ES_URL
  fi
}
