#!/usr/bin/env bash
# A three-node RabbitMQ cluster on loopback, beside (not instead of) the machine's own broker: for
# the throughput benchmark and for trying what the loss of a node does to the exchange.
#
#   bash deploy/rabbitmq-cluster.sh start          start the three nodes and join them into one cluster
#   bash deploy/rabbitmq-cluster.sh stop           stop them all
#   bash deploy/rabbitmq-cluster.sh status         the cluster as its first node sees it
#   bash deploy/rabbitmq-cluster.sh stop-node N    stop node N (1..3), the others keep serving
#   bash deploy/rabbitmq-cluster.sh start-node N   start node N again; it rejoins
#   bash deploy/rabbitmq-cluster.sh env            the EDOC_* variables that point edoc at node 1
#
# Node N is edoc-rabbit-N@localhost, AMQP on 127.0.0.1:$((BASE + N - 1)), management on
# 127.0.0.1:$((BASE + 10000 + N - 1)); BASE is EDOC_CLUSTER_BASE_PORT (5681). Data and logs live under
# EDOC_CLUSTER_DIR (/tmp/edoc-rabbit-cluster). Queues edoc declares are quorum queues, so each has
# a member on every node and keeps working, with nothing lost, while one node of three is down.
set -euo pipefail

BASE=${EDOC_CLUSTER_BASE_PORT:-5681}
DIR=${EDOC_CLUSTER_DIR:-/tmp/edoc-rabbit-cluster}
NODES=(1 2 3)

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}

node_name() { echo "edoc-rabbit-$1@localhost"; }
amqp_port() { echo $((BASE + $1 - 1)); }
management_port() { echo $((BASE + 10000 + $1 - 1)); }

check_node() {
  [[ "$1" =~ ^[123]$ ]] || { echo "rabbitmq-cluster: node must be 1, 2 or 3, not \"$1\"" >&2; exit 2; }
}

# rabbitmq-server and rabbitmqctl read these; they win over /etc/rabbitmq/rabbitmq-env.conf.
with_node_env() {
  local n=$1
  shift
  local home="$DIR/node$n"
  RABBITMQ_NODENAME=$(node_name "$n") \
    RABBITMQ_CONFIG_FILE="$home/rabbitmq.conf" \
    RABBITMQ_MNESIA_BASE="$home/mnesia" \
    RABBITMQ_LOG_BASE="$home/log" \
    RABBITMQ_PID_FILE="$home/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
    RABBITMQ_DIST_PORT=$((BASE + 20000 + n - 1)) \
    "$@"
}

ctl() {
  local n=$1
  shift
  with_node_env "$n" rabbitmqctl -n "$(node_name "$n")" "$@"
}

prepare_node() {
  local n=$1 home="$DIR/node$n"
  mkdir -p "$home/mnesia" "$home/log"
  cat > "$home/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$(amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(management_port "$n")
EOF
  # Debian's wrapper runs the broker as the rabbitmq user when started by root.
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$DIR"; fi
}

start_node() {
  local n=$1
  prepare_node "$n"
  if ctl "$n" status >/dev/null 2>&1; then
    echo "node $n ($(node_name "$n")) is running already"
    return
  fi
  echo "starting node $n ($(node_name "$n")) on 127.0.0.1:$(amqp_port "$n") ..."
  with_node_env "$n" rabbitmq-server -detached
  # The node registers with epmd a moment after -detached returns; until then await_startup fails at once.
  for _ in $(seq 1 120); do
    if ctl "$n" await_startup --timeout 60 >/dev/null 2>&1; then return; fi
    sleep 1
  done
  echo "rabbitmq-cluster: node $n did not start; see $DIR/node$n/log" >&2
  exit 1
}

join_node() {
  local n=$1
  if ctl 1 cluster_status --formatter json 2>/dev/null | grep -q "\"$(node_name "$n")\""; then
    return
  fi
  echo "joining node $n to node 1 ..."
  ctl "$n" stop_app >/dev/null
  ctl "$n" join_cluster "$(node_name 1)" >/dev/null
  ctl "$n" start_app >/dev/null
}

command=${1:-}
case "$command" in
  start)
    mkdir -p "$DIR"
    echo '[rabbitmq_management].' > "$DIR/enabled_plugins"
    for n in "${NODES[@]}"; do start_node "$n"; done
    for n in 2 3; do join_node "$n"; done
    running=$(ctl 1 cluster_status --formatter json | grep -o '"running_nodes":\[[^]]*\]')
    echo "cluster up: $running"
    "$0" env
    ;;
  stop)
    for n in 3 2 1; do
      if ctl "$n" status >/dev/null 2>&1; then
        echo "stopping node $n ..."
        ctl "$n" stop >/dev/null
      fi
    done
    ;;
  status)
    ctl 1 cluster_status
    ;;
  stop-node)
    check_node "${2:-}"
    echo "stopping node $2 ($(node_name "$2")) ..."
    ctl "$2" stop >/dev/null
    ;;
  start-node)
    check_node "${2:-}"
    start_node "$2"
    ;;
  env)
    echo "EDOC_AMQP_URL=amqp://guest:guest@127.0.0.1:$(amqp_port 1)"
    echo "EDOC_RABBITMQ_MANAGEMENT_URL=http://guest:guest@127.0.0.1:$(management_port 1)"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
