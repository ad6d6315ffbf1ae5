# Start and stop a throwaway single-node Elasticsearch on 127.0.0.1 for the tests.
# Sourced by scripts/test. The server is Elasticsearch's test distribution from
# Maven Central (server + transport + security, no bundled JDK, no language
# analysers), cached outside the repository; Java 17+ comes from Debian.
# Elasticsearch refuses to run as root, so as root it runs as "elasticsearch".

ES_VERSION=${ES_VERSION:-8.19.9}
# As root the node runs as another user, who cannot read root's home: cache in /var/cache.
if [ "$(id -u)" = 0 ]; then ES_CACHE_ROOT=/var/cache/gemeinsam; else ES_CACHE_ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/gemeinsam; fi
ES_CACHE=${ES_CACHE:-$ES_CACHE_ROOT/elasticsearch/$ES_VERSION}

es_java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  local java
  for java in /usr/lib/jvm/*/bin/java; do
    [ -x "$java" ] || continue
    if "$java" -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
      dirname "$(dirname "$java")"; return
    fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Java 17 from Debian" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    dirname "$(dirname "$(readlink -f /usr/lib/jvm/java-17-openjdk-*/bin/java | head -n 1)")"
  fi
}

es_download() {
  [ -x "$ES_CACHE/elasticsearch-$ES_VERSION/bin/elasticsearch" ] && return 0
  echo "==> downloading Elasticsearch $ES_VERSION (test distribution) from Maven Central"
  mkdir -p "$ES_CACHE" && chmod 755 "$ES_CACHE"
  if ! command -v mvn >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  fi
  mvn -q dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$ES_CACHE" || return 1
  .venv/bin/python -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$ES_CACHE/elasticsearch-$ES_VERSION.zip" "$ES_CACHE" || return 1
  chmod +x "$ES_CACHE/elasticsearch-$ES_VERSION"/bin/* "$ES_CACHE/elasticsearch-$ES_VERSION"/lib/tools/*/* 2>/dev/null || true
  rm -f "$ES_CACHE/elasticsearch-$ES_VERSION.zip"
}

es_free_port() {
  if declare -F free_port >/dev/null; then free_port; return; fi
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# es_start: sets ES_DIR, ES_PORT, ES_PID and exports ES_URL.
es_start() {
  es_download || return 1
  local home="$ES_CACHE/elasticsearch-$ES_VERSION" java_home
  java_home=$(es_java_home)
  [ -n "$java_home" ] || { echo "Java 17 or newer is needed for Elasticsearch" >&2; return 1; }
  ES_DIR=$(mktemp -d /tmp/gemeinsam-es.XXXXXX)
  ES_PORT=$(es_free_port)
  mkdir -p "$ES_DIR/data" "$ES_DIR/logs"
  cp -r "$home/config" "$ES_DIR/config"
  local settings=(
    -E discovery.type=single-node -E network.host=127.0.0.1 -E http.port="$ES_PORT"
    -E transport.port=0 -E path.data="$ES_DIR/data" -E path.logs="$ES_DIR/logs"
    -E cluster.routing.allocation.disk.threshold_enabled=false
    -E action.destructive_requires_name=false
  )
  [ -d "$home/modules/x-pack-security" ] && settings+=(-E xpack.security.enabled=false)
  [ -d "$home/modules/ingest-geoip" ] && settings+=(-E ingest.geoip.downloader.enabled=false)
  local run=()
  if [ "$(id -u)" = 0 ]; then
    id elasticsearch >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin elasticsearch
    chown -R elasticsearch "$ES_DIR"
    run=(runuser -u elasticsearch --)
  fi
  env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_DIR/config" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
    "${run[@]}" "$home/bin/elasticsearch" -d -p "$ES_DIR/es.pid" "${settings[@]}" \
    >"$ES_DIR/start.log" 2>&1 || { cat "$ES_DIR/start.log" "$ES_DIR"/logs/*.log >&2 2>/dev/null; return 1; }
  local waited=0
  until curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null 2>&1; do
    sleep 1; waited=$((waited + 1))
    if [ "$waited" -ge 120 ]; then
      echo "Elasticsearch did not become ready in 120 s:" >&2
      tail -n 40 "$ES_DIR"/logs/*.log >&2 2>/dev/null
      return 1
    fi
  done
  ES_PID=$(cat "$ES_DIR/es.pid")
  export ES_URL="http://127.0.0.1:$ES_PORT"
  echo "==> Elasticsearch $ES_VERSION on $ES_URL (ready after ${waited} s)"
}

es_stop() {
  [ -n "${ES_DIR:-}" ] || return 0
  local pid=${ES_PID:-$(cat "$ES_DIR/es.pid" 2>/dev/null)}
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$ES_DIR"
  ES_DIR=
}
