# Start and stop a throwaway PostgreSQL cluster on 127.0.0.1 for the tests.
# Sourced by scripts/test. Uses Debian's server packages (installed if missing
# and we are root). PostgreSQL refuses to run as root, so as root the cluster
# belongs to the "postgres" system user.

pg_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_install_if_missing() {
  if [ -z "$(pg_bindir)" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "==> installing PostgreSQL from Debian"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
      return 1
    fi
  fi
}

free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_start: sets PG_DIR, PG_PORT, PG_RUN and exports DATABASE_URL.
pg_start() {
  pg_install_if_missing || return 1
  local bindir; bindir=$(pg_bindir)
  PG_DIR=$(mktemp -d /tmp/gemeinsam-pg.XXXXXX)
  PG_PORT=$(free_port)
  PG_RUN=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    chown postgres "$PG_DIR"
    PG_RUN=(runuser -u postgres --)
  fi
  "${PG_RUN[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U gemeinsam --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${PG_RUN[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U gemeinsam gemeinsam
  export DATABASE_URL="postgres://gemeinsam@127.0.0.1:$PG_PORT/gemeinsam"
  echo "==> PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}
