#!/usr/bin/env bash
# Three-node clusters side by side: a Warren cluster and a RabbitMQ cluster (quorum queues), each
# on loopback, running the same PerfTest scenarios against each:
#
#   one       1 producer connected to node 1, 1 consumer connected to node 2 (two PerfTest
#             processes; latencies use the shared monotonic clock of the machine)
#   fanin     10 producers, 10 queues, 10 consumers, connections spread over the three nodes
#   rate1000  1 producer limited to 1000 msg/s and 1 consumer, on nodes 1 and 2, in one PerfTest
#             process so that its end-to-end (consumer) latency is measured
#
#   bench/cluster.sh [--duration SECONDS] [--warmup SECONDS] [--settle SECONDS] [--only warren|rabbitmq]
#                    [--scenarios "one fanin rate1000"]
#
# A fresh cluster first runs the "one" workload unmeasured for --settle seconds (default 180; 0
# skips it). Then each scenario runs for --warmup plus --duration seconds (defaults 60 and 60) and
# only the last --duration seconds count, read from PerfTest's per-second figures: published and
# consumed msg/s are their means; a latency is the median second's min/50/75/95/99th with the worst
# second's 99th. Both brokers get the same settling and warm-up. The figures are
# meant to show brokers that have been running, as a production broker has: a JVM compiles its hot
# paths under load, and three node JVMs sharing two cores with the clients take minutes to do it
# (docs/benchmarks.md, "JIT warm-up of a cluster on two cores").
#
# Workload: persistent 1 KiB messages, confirms with 200 outstanding, prefetch 200, manual acks.
# BENCH_WARREN_JAVA_OPTS adds JVM options for the Warren nodes; their GC logs go to the results.
# Needs node/target/warren-node.jar (mvn -B -DskipTests package) and PerfTest in
# bench/target/perf-test-lib (bench/run.sh fetches it). Everything it starts is stopped by PID.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")
TARGET=$BENCH_DIR/target/cluster
W_JAR=$REPO_ROOT/node/target/warren-node.jar
PERFTEST_LIB=$BENCH_DIR/target/perf-test-lib
BASE=${BENCH_PORT_BASE:-6800}
DURATION=60
WARMUP=60
SETTLE=180
ONLY=""
SCENARIOS="one fanin rate1000"
PIDS=()

while (($#)); do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --scenarios) SCENARIOS=$2; shift 2 ;;
    *) echo "usage: bench/cluster.sh [--duration SECONDS] [--warmup SECONDS] [--settle SECONDS] [--only warren|rabbitmq] [--scenarios LIST]" >&2; exit 2 ;;
  esac
done

log() { printf '%s [cluster-bench] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# A clean stop takes a few seconds (groups close, stores flush): up to 30 s before forcing it.
cleanup() {
  local p t alive
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for t in $(seq 1 60); do
    alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.5
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
}
trap cleanup EXIT
[[ -f $W_JAR ]] || { log "missing $W_JAR"; exit 1; }
compgen -G "$PERFTEST_LIB/*.jar" >/dev/null || { log "no PerfTest in $PERFTEST_LIB: run bench/run.sh --list first"; exit 1; }
CP=$(printf '%s:' "$PERFTEST_LIB"/*.jar)
RESULTS=$TARGET/results/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"

# window CSV FROM: PerfTest's per-second rows after second FROM (the warm-up): mean published and
# received msg/s, then for the confirm and the consumer latencies the median over those seconds of
# each per-second min/50/75/95/99th and the worst second's 99th, as "m/m/m/m/m (worst w) ms".
window() {
  awk -F, -v from="$2" '
    function median(col,   k, i, j, t, a) {
      k = 0
      for (i = 1; i <= n; i++) if (v[col, i] != "") a[++k] = v[col, i] + 0
      if (k == 0) return "-"
      for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return a[int((k + 1) / 2)]
    }
    function worst(col,   i, w) {
      w = "-"
      for (i = 1; i <= n; i++) if (v[col, i] != "" && (w == "-" || v[col, i] + 0 > w)) w = v[col, i] + 0
      return w
    }
    function latencies(first) {
      if (median(first + 4) == "-") return "-"
      return median(first) "/" median(first + 1) "/" median(first + 2) "/" median(first + 3) "/" median(first + 4) \
        " (worst " worst(first + 4) ") ms"
    }
    NR > 1 && $2 + 0 > from + 0 { n++; pub += $3; rec += $7; for (c = 8; c <= 17; c++) v[c, n] = $c }
    END { if (n == 0) { print "-\t-\t-\t-"; exit }
          printf "%d\t%d\t%s\t%s\n", pub / n, rec / n, latencies(13), latencies(8) }' "$1"
}

# row NAME PRODUCER_CSV PRODUCER_FROM CONSUMER_CSV CONSUMER_FROM: the summary row of one measured run.
row() {
  local p c
  IFS=$'\t' read -r -a p < <(window "$2" "$3")
  IFS=$'\t' read -r -a c < <(window "$4" "$5")
  printf '| %-8s | %s | %s | %s | %s |\n' "$1" "${p[0]}" "${c[1]}" "${p[2]}" "${c[3]}" | tee -a "$RESULTS/summary.md"
}

# Each run lasts WARMUP + DURATION seconds and only its last DURATION seconds are counted: a fresh
# PerfTest JVM compiles its own hot paths in its first tens of seconds, and a separate warm-up run
# would leave the measured run's client cold again (docs/benchmarks.md). PerfTest's own whole-run
# averages and percentiles stay in the .txt files.

# perftest NAME URI1 URI2 EXTRA...: producer on URI1, consumer on URI2, same queue, side by side.
perftest() {
  local name=$1 producer=$2 consumer=$3; shift 3
  local queue="cluster-$name-$(date +%s)" length=$((WARMUP + DURATION))
  # Both declare the queue the same way: durable (PerfTest makes it durable with -f persistent).
  java -cp "$CP" com.rabbitmq.perf.PerfTest -h "$consumer" -x 0 -y 1 -q 200 -f persistent --use-millis -u "$queue" -ad false "$@" \
    -z $((length + 3)) -o "$RESULTS/$name.consumer.csv" >"$RESULTS/$name.consumer.txt" 2>&1 &
  local consumer_pid=$!
  sleep 3 # the consumer declares the queue first
  java -cp "$CP" com.rabbitmq.perf.PerfTest -h "$producer" -x 1 -y 0 -s 1024 -f persistent -c 200 --use-millis -u "$queue" \
    -ad false "$@" -z "$length" -o "$RESULTS/$name.producer.csv" >"$RESULTS/$name.producer.txt" 2>&1
  wait "$consumer_pid"
  row "$name" "$RESULTS/$name.producer.csv" "$WARMUP" "$RESULTS/$name.consumer.csv" $((WARMUP + 3))
}

# single NAME URIS EXTRA...: one PerfTest process whose connections go round-robin over URIS
# (comma separated); persistent 1 KiB messages, 200 outstanding confirms, prefetch 200.
single() {
  local name=$1 uris=$2; shift 2
  java -cp "$CP" com.rabbitmq.perf.PerfTest -H "$uris" -s 1024 -f persistent -c 200 -q 200 --use-millis -ad false "$@" \
    -z $((WARMUP + DURATION)) -o "$RESULTS/$name.csv" >"$RESULTS/$name.txt" 2>&1
  row "$name" "$RESULTS/$name.csv" "$WARMUP" "$RESULTS/$name.csv" "$WARMUP"
}

# scenarios BROKER URI1 URI2 URI3 EXTRA...: the settling run (results under settle/, not in the
# summary), then the selected scenarios against one cluster.
scenarios() {
  local s
  if ((SETTLE > 0)); then
    log "settling $1 with one for $SETTLE s"
    (DURATION=$SETTLE WARMUP=0 RESULTS=$RESULTS/settle; mkdir -p "$RESULTS"; scenario one "$@" >/dev/null)
  fi
  for s in $SCENARIOS; do
    log "$1: $s for $WARMUP s of warm-up and $DURATION s measured"
    scenario "$s" "$@"
  done
}

# scenario NAME BROKER URI1 URI2 URI3 EXTRA...: one scenario, once.
scenario() {
  local s=$1 broker=$2 u1=$3 u2=$4 u3=$5; shift 5
  case $s in
    one) perftest "$broker-one" "$u1" "$u2" "$@" ;;
    fanin) single "$broker-fanin" "$u1,$u2,$u3" -x 10 -y 10 --queue-pattern "fanin-$(date +%s)-%d" \
      --queue-pattern-from 1 --queue-pattern-to 10 "$@" ;;
    rate1000) single "$broker-rate1000" "$u1,$u2" -x 1 -y 1 -r 1000 -u "rate1000-$(date +%s)" "$@" ;;
    *) log "unknown scenario $s" ;;
  esac
}

run_warren() {
  local peers="n1=127.0.0.1:$((BASE + 11)),n2=127.0.0.1:$((BASE + 12)),n3=127.0.0.1:$((BASE + 13))" i
  rm -rf "$TARGET/warren"
  for i in 1 2 3; do
    mkdir -p "$TARGET/warren/n$i"
    (while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep '^WARREN_')
     export WARREN_NODE_ID=n$i WARREN_CLUSTER_PEERS=$peers WARREN_AMQP_BIND=127.0.0.1 \
       WARREN_AMQP_PORT=$((BASE + 20 + i)) WARREN_METRICS_PORT=$((BASE + 30 + i)) \
       WARREN_MANAGEMENT_PORT=$((BASE + 40 + i)) WARREN_DATA_DIR=$TARGET/warren/n$i
     # shellcheck disable=SC2086 # BENCH_WARREN_JAVA_OPTS is a list of JVM options
     exec java @"$REPO_ROOT/deploy/jvm.options" -Xlog:gc:file="$RESULTS/warren-n$i.gc.log" ${BENCH_WARREN_JAVA_OPTS:-} \
       -jar "$W_JAR") >"$RESULTS/warren-n$i.log" 2>&1 &
    PIDS+=($!)
  done
  local t
  for t in $(seq 1 120); do
    (($(grep -l "started; AMQP" "$RESULTS"/warren-n*.log 2>/dev/null | wc -l) == 3)) && break
    sleep 1
  done
  scenarios warren "amqp://guest:guest@127.0.0.1:$((BASE + 21))" "amqp://guest:guest@127.0.0.1:$((BASE + 22))" \
    "amqp://guest:guest@127.0.0.1:$((BASE + 23))"
  cleanup; PIDS=()
}

run_rabbitmq() {
  local bin=/usr/lib/rabbitmq/bin i epmd
  [[ -x $bin/rabbitmq-server ]] || { log "rabbitmq-server is not installed"; return 1; }
  rm -rf "$TARGET/rabbitmq"
  mkdir -p "$TARGET/rabbitmq/home" "$TARGET/rabbitmq/conf"
  : >"$TARGET/rabbitmq/conf/env.conf"
  echo '[].' >"$TARGET/rabbitmq/conf/enabled_plugins"
  epmd=$(command -v epmd || compgen -G '/usr/lib/erlang/erts-*/bin/epmd' | head -1)
  "$epmd" -port $((BASE + 3)) -address 127.0.0.1 >/dev/null 2>&1 &
  PIDS+=($!)
  sleep 1
  rmq_env() {
    while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(RABBITMQ_|ERL_EPMD_)')
    export HOME=$TARGET/rabbitmq/home ERL_EPMD_PORT=$((BASE + 3)) ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_CONF_ENV_FILE=$TARGET/rabbitmq/conf/env.conf
    export RABBITMQ_ENABLED_PLUGINS_FILE=$TARGET/rabbitmq/conf/enabled_plugins
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    export RABBITMQ_CTL_DIST_PORT_MIN=$((BASE + 50)) RABBITMQ_CTL_DIST_PORT_MAX=$((BASE + 59))
  }
  for i in 1 2 3; do
    echo "listeners.tcp.1 = 127.0.0.1:$((BASE + 60 + i))" >"$TARGET/rabbitmq/conf/r$i.conf"
    (rmq_env
     export RABBITMQ_NODENAME=r$i@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$((BASE + 60 + i))
     export RABBITMQ_DIST_PORT=$((BASE + 70 + i)) RABBITMQ_CONFIG_FILE=$TARGET/rabbitmq/conf/r$i.conf
     export RABBITMQ_MNESIA_BASE=$TARGET/rabbitmq/mnesia-r$i RABBITMQ_LOG_BASE=$RESULTS/rabbitmq-r$i
     exec "$bin/rabbitmq-server") >"$RESULTS/rabbitmq-r$i.log" 2>&1 &
    PIDS+=($!)
  done
  ctl() { local node=$1; shift; (rmq_env; exec timeout 120 "$bin/rabbitmqctl" -n "$node" -q "$@"); }
  local deadline=$((SECONDS + 120))
  for i in 1 2 3; do
    until ctl r$i@localhost await_startup >/dev/null 2>&1; do
      ((SECONDS < deadline)) || { log "r$i did not start"; return 1; }
      sleep 1
    done
  done
  for i in 2 3; do
    ctl r$i@localhost stop_app && ctl r$i@localhost join_cluster r1@localhost && ctl r$i@localhost start_app ||
      { log "r$i did not join"; return 1; }
  done
  ctl r1@localhost cluster_status >"$RESULTS/rabbitmq-cluster-status.txt" 2>&1
  scenarios rabbitmq "amqp://guest:guest@127.0.0.1:$((BASE + 61))" "amqp://guest:guest@127.0.0.1:$((BASE + 62))" \
    "amqp://guest:guest@127.0.0.1:$((BASE + 63))" -qq
  for i in 3 2 1; do ctl r$i@localhost stop >/dev/null 2>&1; done
  cleanup; PIDS=()
}

echo "| run      | published msg/s | consumed msg/s | confirm latency min/50/75/95/99th (median second; worst second) | consumer latency min/50/75/95/99th (median second; worst second) |" | tee "$RESULTS/summary.md"
echo "|----------|-----------------|----------------|---|---|" | tee -a "$RESULTS/summary.md"
[[ $ONLY == warren ]] || run_rabbitmq
[[ $ONLY == rabbitmq ]] || run_warren
log "results: $RESULTS"
