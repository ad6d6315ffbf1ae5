# A throwaway three-node Elasticsearch cluster on 127.0.0.1 for bench/cluster, built like
# scripts/lib/elasticsearch.sh's single node (test distribution, no security), with
# distinct HTTP and transport ports and small heaps. Sourced after elasticsearch.sh.
#
# es_cluster_start N: sets CLUSTER_DIR, NODE_HTTP[i], NODE_PID[i]; exports CLUSTER_URL
# (every node's URL, comma-separated, the first node first). es_node_kill i kills node i
# at once (kill -9, as a crash would); es_node_start i starts it again on its data.

es_cluster_start() {
  local count=$1 i
  es_download || return 1
  CLUSTER_HOME="$ES_CACHE/elasticsearch-$ES_VERSION"
  CLUSTER_JAVA=$(es_java_home)
  CLUSTER_DIR=$(mktemp -d /tmp/gemeinsam-cluster.XXXXXX)
  NODE_HTTP=() NODE_TRANSPORT=() NODE_PID=()
  for i in $(seq 1 "$count"); do
    NODE_HTTP[$i]=$(es_free_port); NODE_TRANSPORT[$i]=$(es_free_port)
  done
  CLUSTER_SEEDS= CLUSTER_MASTERS=
  for i in $(seq 1 "$count"); do
    CLUSTER_SEEDS+="${CLUSTER_SEEDS:+,}127.0.0.1:${NODE_TRANSPORT[$i]}"
    CLUSTER_MASTERS+="${CLUSTER_MASTERS:+,}node-$i"
  done
  for i in $(seq 1 "$count"); do
    mkdir -p "$CLUSTER_DIR/node-$i/data" "$CLUSTER_DIR/node-$i/logs"
    cp -r "$CLUSTER_HOME/config" "$CLUSTER_DIR/node-$i/config"
  done
  if [ "$(id -u)" = 0 ]; then
    id elasticsearch >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin elasticsearch
    chown -R elasticsearch "$CLUSTER_DIR"
  fi
  # All at once: a node alone waits for a quorum of masters before it answers.
  local starting=()
  for i in $(seq 1 "$count"); do es_node_start "$i" & starting+=($!); done
  wait "${starting[@]}" || return 1
  es_node_pids_refresh
  CLUSTER_URL=
  for i in $(seq 1 "$count"); do CLUSTER_URL+="${CLUSTER_URL:+,}http://127.0.0.1:${NODE_HTTP[$i]}"; done
  export CLUSTER_URL
  es_cluster_wait green 180 || return 1
}

es_node_start() {
  local i=$1 dir="$CLUSTER_DIR/node-$1" run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u elasticsearch --)
  local settings=(
    -E cluster.name=gemeinsam-bench -E node.name="node-$i" -E network.host=127.0.0.1
    -E http.port="${NODE_HTTP[$i]}" -E transport.port="${NODE_TRANSPORT[$i]}"
    -E discovery.seed_hosts="$CLUSTER_SEEDS" -E cluster.initial_master_nodes="$CLUSTER_MASTERS"
    -E path.data="$dir/data" -E path.logs="$dir/logs"
    -E cluster.routing.allocation.disk.threshold_enabled=false
    -E action.destructive_requires_name=false
  )
  [ -d "$CLUSTER_HOME/modules/x-pack-security" ] && settings+=(-E xpack.security.enabled=false)
  env ES_JAVA_HOME="$CLUSTER_JAVA" ES_PATH_CONF="$dir/config" ES_JAVA_OPTS="-Xms256m -Xmx256m" \
    "${run[@]}" "$CLUSTER_HOME/bin/elasticsearch" -d -p "$dir/es.pid" "${settings[@]}" \
    >"$dir/start.log" 2>&1 || { cat "$dir/start.log" >&2; return 1; }
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:${NODE_HTTP[$i]}/" >/dev/null 2>&1 && break
    sleep 1
  done
  NODE_PID[$i]=$(cat "$dir/es.pid")
}

es_node_pids_refresh() {
  local i
  for i in "${!NODE_HTTP[@]}"; do
    [ -f "$CLUSTER_DIR/node-$i/es.pid" ] && NODE_PID[$i]=$(cat "$CLUSTER_DIR/node-$i/es.pid")
  done
}

es_node_kill() {
  kill -9 "${NODE_PID[$1]}" 2>/dev/null || true
  rm -f "$CLUSTER_DIR/node-$1/es.pid"
}

# es_cluster_wait STATUS SECONDS: until some node reports at least STATUS.
es_cluster_wait() {
  local want=$1 limit=$2 waited=0 port
  while [ "$waited" -lt "$limit" ]; do
    for port in "${NODE_HTTP[@]}"; do
      curl -fsS "http://127.0.0.1:$port/_cluster/health?wait_for_status=$want&timeout=1s" 2>/dev/null \
        | grep -q "\"timed_out\":false" && return 0
    done
    sleep 1; waited=$((waited + 1))
  done
  echo "the cluster did not become $want in $limit s" >&2
  return 1
}

es_cluster_stop() {
  [ -n "${CLUSTER_DIR:-}" ] || return 0
  local i
  for i in "${!NODE_PID[@]}"; do kill "${NODE_PID[$i]}" 2>/dev/null || true; done
  sleep 3
  for i in "${!NODE_PID[@]}"; do kill -9 "${NODE_PID[$i]}" 2>/dev/null || true; done
  rm -rf "$CLUSTER_DIR"
  CLUSTER_DIR=
}
