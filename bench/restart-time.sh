#!/usr/bin/env bash
# Restart time of a Warren node holding many persistent messages.
#
#   bench/restart-time.sh [--messages N] [--size BYTES] [--no-build]
#
# Fills a durable queue with N persistent messages (PerfTest, producer only, confirms), then
# restarts the node twice and prints how long each restart took until the node answered AMQP with
# all N messages in the queue: once after a clean stop (SIGTERM) and once after kill -9. The node
# runs from node/target/warren-node.jar on 127.0.0.1 ports 5850-5853 with data in
# bench/target/restart-data. Needs PerfTest in bench/target/perf-test-lib (bench/run.sh fetches it)
# and Debian's python3-pika for the depth check.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=$REPO_ROOT/bench/target
JAR=$REPO_ROOT/node/target/warren-node.jar
DATA=$TARGET/restart-data
LOG_DIR=$TARGET/restart-logs
PORT_AMQP=5850
MESSAGES=1000000
SIZE=1024
BUILD=1
NODE_PID=""

while [[ $# -gt 0 ]]; do
  case $1 in
    --messages) MESSAGES=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

cleanup() { [[ -n $NODE_PID ]] && kill -9 "$NODE_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [[ $BUILD == 1 ]]; then
  (cd "$REPO_ROOT" && mvn -B -q -DskipTests package)
fi
compgen -G "$TARGET/perf-test-lib/perf-test-*.jar" >/dev/null || {
  echo "PerfTest is missing: run bench/run.sh --list once to fetch it" >&2; exit 1; }

start_node() {
  local log=$1
  (
    while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^WARREN_')
    export WARREN_AMQP_BIND=127.0.0.1 WARREN_AMQP_PORT=$PORT_AMQP WARREN_METRICS_PORT=5851
    export WARREN_MANAGEMENT_PORT=5852 WARREN_RAFT_PORT=5853 WARREN_DATA_DIR=$DATA
    exec java @"$REPO_ROOT/deploy/jvm.options" -jar "$JAR"
  ) >"$log" 2>&1 &
  NODE_PID=$!
}

# Milliseconds from $1 until the node logs that it listens for AMQP, then checks the queue depth.
wait_ready() {
  local started=$1 log=$2
  until grep -qs "started; AMQP" "$log"; do
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node died, see $log" >&2; exit 1; }
    sleep 0.01
  done
  local ready=$(( $(date +%s%N) / 1000000 ))
  check_depth
  echo "$(( ready - started ))"
}

# The queue must hold every message (python3-pika: Debian's package).
check_depth() {
  /usr/bin/python3 - "$PORT_AMQP" "$MESSAGES" <<'PY'
import sys
import pika
port, expected = int(sys.argv[1]), int(sys.argv[2])
c = pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', port))
depth = c.channel().queue_declare('restart-bench', passive=True).method.message_count
c.close()
if depth != expected:
    sys.exit("queue holds %d messages, expected %d" % (depth, expected))
PY
}

rm -rf "$DATA" "$LOG_DIR"
mkdir -p "$LOG_DIR"
start_node "$LOG_DIR/fill.log"
until grep -qs "started; AMQP" "$LOG_DIR/fill.log"; do sleep 0.2; done
echo "filling restart-bench with $MESSAGES persistent messages of $SIZE bytes"
java -cp "$TARGET/perf-test-lib/*" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$PORT_AMQP" \
  -x 1 -y 0 -C "$MESSAGES" -s "$SIZE" -f persistent -c 200 -u restart-bench -ad false -i 5 >"$LOG_DIR/fill-perftest.log" 2>&1
du -sh "$DATA" | awk '{print "data directory: " $1}'

kill -TERM "$NODE_PID"; wait "$NODE_PID" || true
t0=$(( $(date +%s%N) / 1000000 ))
start_node "$LOG_DIR/after-clean-stop.log"
clean_ms=$(wait_ready "$t0" "$LOG_DIR/after-clean-stop.log")
kill -9 "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true
t0=$(( $(date +%s%N) / 1000000 ))
start_node "$LOG_DIR/after-kill.log"
kill_ms=$(wait_ready "$t0" "$LOG_DIR/after-kill.log")
kill -TERM "$NODE_PID"; wait "$NODE_PID" || true
NODE_PID=""

echo "| messages | body bytes | restart after clean stop | restart after kill -9 |"
echo "|----------|------------|--------------------------|-----------------------|"
echo "| $MESSAGES | $SIZE | ${clean_ms} ms | ${kill_ms} ms |"
grep -h "recovered its queues" "$LOG_DIR"/after-*.log | sed 's/^/node log: /'
