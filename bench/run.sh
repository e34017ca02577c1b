#!/usr/bin/env bash
# Warren's benchmark harness: runs RabbitMQ PerfTest scenarios against Warren and against a
# private RabbitMQ instance, one broker at a time, and prints a table. See docs/benchmarks.md.
#
#   bench/run.sh [scenario...] [--duration SECONDS] [--warmup SECONDS] [--only warren|rabbitmq] [--no-build]
#
# Both brokers are started by this script on their own loopback ports (a fresh instance for
# every scenario) and stopped by PID when it exits; brokers already running on the machine
# (e.g. a default RabbitMQ on 5672) are never touched. Scenarios live in bench/scenarios.txt.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")
TARGET=$BENCH_DIR/target
SCENARIO_FILE=$BENCH_DIR/scenarios.txt
PERFTEST_LIB=$TARGET/perf-test-lib
PERFTEST_MAIN=com.rabbitmq.perf.PerfTest
PERFTEST_VERSION=2.22.1   # as in bench/pom.xml
W_JAR=$REPO_ROOT/node/target/warren-node.jar

# Every port is on 127.0.0.1; BENCH_PORT_BASE moves them all at once.
PORT_BASE=${BENCH_PORT_BASE:-5800}
RMQ_PORT_AMQP=$((PORT_BASE + 1))
W_PORT_AMQP=$((PORT_BASE + 2))
EPMD_PORT=$((PORT_BASE + 3))          # a private epmd, so the machine's own epmd is left alone
RMQ_PORT_DIST=$((PORT_BASE + 4))
W_PORT_METRICS=$((PORT_BASE + 5))
W_PORT_MANAGEMENT=$((PORT_BASE + 6))
W_PORT_RAFT=$((PORT_BASE + 7))
RMQ_PORT_CTL_MIN=$((PORT_BASE + 10))  # rabbitmqctl's own Erlang node listens in base+10..base+19
RMQ_NODE=warren-bench@localhost

START_TIMEOUT=90     # seconds for a broker to accept connections
STOP_TIMEOUT=30      # seconds for a broker to exit before it gets SIGKILL
PERFTEST_GRACE=90    # seconds PerfTest may run past --duration (connect, shutdown) before it is killed
BUILD_TIMEOUT=1200

DURATION=30
WARMUP=30           # seconds each scenario runs unmeasured first, on the same broker (0: none)
ONLY=""
BUILD=true
SELECTED=()

# State for the EXIT trap: what this script started and has not stopped yet.
BROKER_PID=""
BROKER_KIND=""
EPMD_PID=""
PERFTEST_PID=""
RMQ_BIN=""

usage() {
  cat <<EOF
Usage: bench/run.sh [scenario...] [--duration SECONDS] [--warmup SECONDS] [--only warren|rabbitmq] [--no-build]

Runs RabbitMQ PerfTest $PERFTEST_VERSION against a fresh Warren node and a fresh private
RabbitMQ node for each scenario (one broker at a time) and prints a table of throughput and
latency. Raw outputs go to bench/target/results/<timestamp>/.

  scenario...          scenarios to run (default: all, in file order); see --list
  --duration SECONDS   PerfTest run time per scenario and broker (default 30)
  --warmup SECONDS     an unmeasured run of the same scenario on the same broker first (default 30;
                       0 skips it): a JVM compiles its hot paths in its first seconds, and the
                       figures are meant to show a broker that has been running
  --only BROKER        run only 'warren' or only 'rabbitmq'
  --no-build           use the existing node/target/warren-node.jar instead of building it
  --list               list the scenarios and exit
  --perftest-help      show PerfTest's own flags (for writing scenarios) and exit
  -h, --help           this text

Ports (127.0.0.1, moved together by BENCH_PORT_BASE, default 5800): RabbitMQ AMQP base+1,
Warren AMQP base+2, private epmd base+3, RabbitMQ distribution base+4, Warren metrics base+5,
Warren management base+6, Warren Raft base+7, rabbitmqctl base+10..19. BENCH_WARREN_JAVA_OPTS adds JVM options for the Warren node.
EOF
}

log() { printf '%s [bench] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Scenarios: bench/scenarios.txt, "name | description | PerfTest flags" per line.

declare -a SCENARIO_ORDER=()
declare -A SCENARIO_DESC=() SCENARIO_FLAGS=()

load_scenarios() {
  local line name desc flags
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    IFS='|' read -r name desc flags <<<"$line"
    name=$(trim "$name"); desc=$(trim "$desc"); flags=$(trim "$flags")
    [[ -n $name && -n $flags ]] || die "bad line in $SCENARIO_FILE: $line"
    [[ -z ${SCENARIO_FLAGS[$name]+set} ]] || die "scenario '$name' appears twice in $SCENARIO_FILE"
    SCENARIO_ORDER+=("$name")
    SCENARIO_DESC[$name]=$desc
    SCENARIO_FLAGS[$name]=$flags
  done <"$SCENARIO_FILE"
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# ---------------------------------------------------------------------------------------------
# Processes and ports.

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# wait_for_port PORT PID SECONDS: true once PORT accepts connections, false if PID exits first.
wait_for_port() {
  local port=$1 pid=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    port_open "$port" && return 0
    sleep 0.5
  done
  return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after STOP_TIMEOUT; reaps it (it is our child).
stop_pid() {
  local pid=$1 deadline=$((SECONDS + STOP_TIMEOUT))
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((status == 0)) || log "stopping (exit status $status)"
  if [[ -n $PERFTEST_PID ]]; then
    stop_pid "$PERFTEST_PID" # timeout(1) passes the TERM on to PerfTest
    PERFTEST_PID=""
  fi
  stop_broker
  if [[ -n $EPMD_PID ]]; then
    stop_pid "$EPMD_PID"
    EPMD_PID=""
  fi
  exit "$status"
}

stop_broker() {
  case $BROKER_KIND in
    rabbitmq) rabbitmq_stop ;;
    warren) warren_stop ;;
  esac
  BROKER_KIND=""
  BROKER_PID=""
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ: a private node (own node name, ports, epmd, data and log directories, no plugins).

RMQ_HOME=$TARGET/rabbitmq/home     # holds the private Erlang cookie
RMQ_CONF_DIR=$TARGET/rabbitmq/conf
RMQ_MNESIA=$TARGET/rabbitmq/mnesia
RMQ_LOG_DIR=$TARGET/rabbitmq/log   # replaced by a per-scenario directory under the run's results
RMQ_VERSION=""
ERLANG_VERSION=""

find_rabbitmq() {
  # The Debian wrapper in /usr/sbin switches to the rabbitmq user; the scripts behind it run as
  # whoever calls them, which lets every path stay under bench/target.
  local dir
  for dir in /usr/lib/rabbitmq/bin "$(dirname "$(command -v rabbitmq-server 2>/dev/null || echo /nonexistent/x)")"; do
    if [[ -x $dir/rabbitmq-server && -x $dir/rabbitmqctl ]]; then
      RMQ_BIN=$dir
      return 0
    fi
  done
  return 1
}

install_rabbitmq() {
  log "rabbitmq-server not found: installing it with apt-get"
  local sudo=()
  if ((EUID != 0)); then
    sudo -n true 2>/dev/null || { log "not root and no passwordless sudo: cannot install rabbitmq-server"; return 1; }
    sudo=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y rabbitmq-server >&2 ||
    { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y rabbitmq-server >&2; }
}

# Sets RabbitMQ's environment for the private node, dropping anything inherited; call it in a
# subshell that then execs the command, so that $! is the command's own PID.
use_rabbitmq_env() {
  local var
  while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(RABBITMQ_|ERL_EPMD_)')
  export HOME=$RMQ_HOME
  export ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONF_ENV_FILE=$RMQ_CONF_DIR/rabbitmq-env.conf # empty: ignore /etc/rabbitmq's
  export RABBITMQ_NODENAME=$RMQ_NODE
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$RMQ_PORT_AMQP
  export RABBITMQ_DIST_PORT=$RMQ_PORT_DIST
  export RABBITMQ_MNESIA_BASE=$RMQ_MNESIA RABBITMQ_LOG_BASE=$RMQ_LOG_DIR
  export RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_CONF_DIR/enabled_plugins
  export RABBITMQ_CONFIG_FILE=$RMQ_CONF_DIR/rabbitmq.conf
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
  export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' # rabbitmqctl's own node
  export RABBITMQ_CTL_DIST_PORT_MIN=$RMQ_PORT_CTL_MIN RABBITMQ_CTL_DIST_PORT_MAX=$((RMQ_PORT_CTL_MIN + 9))
}

rmqctl() { (use_rabbitmq_env && exec timeout 60 "$RMQ_BIN/rabbitmqctl" -n "$RMQ_NODE" -q "$@"); }

# Once per run: the binaries, the config files and a private epmd.
rabbitmq_prepare() {
  find_rabbitmq || { install_rabbitmq && find_rabbitmq; } || return 1
  mkdir -p "$RMQ_HOME" "$RMQ_CONF_DIR"
  : >"$RMQ_CONF_DIR/rabbitmq-env.conf"
  echo '[].' >"$RMQ_CONF_DIR/enabled_plugins"
  cat >"$RMQ_CONF_DIR/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$RMQ_PORT_AMQP
EOF
  if port_open "$EPMD_PORT"; then
    log "port $EPMD_PORT (private epmd) is already in use"
    return 1
  fi
  local epmd
  epmd=$(command -v epmd) || epmd=$(compgen -G '/usr/lib/erlang/erts-*/bin/epmd' | head -1)
  [[ -x $epmd ]] || { log "epmd not found"; return 1; }
  "$epmd" -port "$EPMD_PORT" -address 127.0.0.1 >"$RUN_DIR/epmd.log" 2>&1 &
  EPMD_PID=$!
  local deadline=$((SECONDS + 10))
  until port_open "$EPMD_PORT"; do
    if ! kill -0 "$EPMD_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      log "private epmd did not start"
      return 1
    fi
    sleep 0.2
  done
}

# rabbitmq_start SCENARIO: a fresh node (empty mnesia); logs under the run's directory.
rabbitmq_start() {
  local scenario=$1
  RMQ_LOG_DIR=$RUN_DIR/logs/$scenario.rabbitmq
  rm -rf "$RMQ_MNESIA"
  mkdir -p "$RMQ_MNESIA" "$RMQ_LOG_DIR"
  if port_open "$RMQ_PORT_AMQP"; then
    START_PROBLEM="port $RMQ_PORT_AMQP in use"
    log "port $RMQ_PORT_AMQP is already in use: not benchmarking someone else's broker"
    return 1
  fi
  (use_rabbitmq_env && exec "$RMQ_BIN/rabbitmq-server") >"$RMQ_LOG_DIR/stdout.log" 2>&1 &
  BROKER_PID=$!
  BROKER_KIND=rabbitmq
  local deadline=$((SECONDS + START_TIMEOUT))
  until rmqctl await_startup >/dev/null 2>&1; do
    if ! kill -0 "$BROKER_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      START_PROBLEM="broker did not start"
      log "RabbitMQ did not start; see $RMQ_LOG_DIR"
      return 1
    fi
    sleep 1
  done
  wait_for_port "$RMQ_PORT_AMQP" "$BROKER_PID" 10 || { START_PROBLEM="broker did not listen"; return 1; }
  if [[ -z $RMQ_VERSION ]]; then
    RMQ_VERSION=$(rmqctl version 2>/dev/null | tr -d '\r' | tail -1)
    ERLANG_VERSION=$(rmqctl eval 'erlang:system_info(otp_release).' 2>/dev/null | tr -d '"\r' | tail -1)
  fi
}

rabbitmq_stop() {
  [[ -n $BROKER_PID ]] || return 0
  rmqctl stop >/dev/null 2>&1 # graceful; the PID below is the fallback
  stop_pid "$BROKER_PID"
}

# ---------------------------------------------------------------------------------------------
# Warren: node/target/warren-node.jar with its own ports and data directory.

W_DATA=$TARGET/warren-data
W_COMMIT=""

warren_build() {
  log "building Warren (mvn -B -q -DskipTests package); log: $RUN_DIR/warren-build.log"
  (cd "$REPO_ROOT" && timeout "$BUILD_TIMEOUT" mvn -B -q -DskipTests package) >"$RUN_DIR/warren-build.log" 2>&1
}

warren_start() {
  local scenario=$1
  local log_dir=$RUN_DIR/logs/$scenario.warren
  mkdir -p "$log_dir"
  rm -rf "$W_DATA"
  [[ -f $W_JAR ]] || { START_PROBLEM="no warren-node.jar"; log "$W_JAR is missing"; return 1; }
  local port
  for port in "$W_PORT_AMQP" "$W_PORT_METRICS" "$W_PORT_MANAGEMENT" "$W_PORT_RAFT"; do
    if port_open "$port"; then
      START_PROBLEM="port $port in use"
      log "port $port is already in use: not starting Warren"
      return 1
    fi
  done
  (
    # Warren refuses unknown WARREN_* variables: start from none but ours.
    while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep '^WARREN_')
    export WARREN_AMQP_BIND=127.0.0.1 WARREN_AMQP_PORT=$W_PORT_AMQP
    export WARREN_DATA_DIR=$W_DATA
    export WARREN_METRICS_PORT=$W_PORT_METRICS WARREN_MANAGEMENT_PORT=$W_PORT_MANAGEMENT WARREN_RAFT_PORT=$W_PORT_RAFT
    # shellcheck disable=SC2086 # BENCH_WARREN_JAVA_OPTS is a list of JVM options
    exec java @"$REPO_ROOT/deploy/jvm.options" ${BENCH_WARREN_JAVA_OPTS:-} -jar "$W_JAR"
  ) >"$log_dir/stdout.log" 2>&1 &
  BROKER_PID=$!
  BROKER_KIND=warren
  if ! wait_for_port "$W_PORT_AMQP" "$BROKER_PID" "$START_TIMEOUT"; then
    START_PROBLEM="broker did not start"
    kill -0 "$BROKER_PID" 2>/dev/null || START_PROBLEM="broker exited at start"
    log "Warren did not start listening on $W_PORT_AMQP; see $log_dir/stdout.log"
    tail -3 "$log_dir/stdout.log" | sed 's/^/    /' >&2
    return 1
  fi
}

warren_stop() {
  [[ -n $BROKER_PID ]] || return 0
  stop_pid "$BROKER_PID"
}

# ---------------------------------------------------------------------------------------------
# PerfTest.

fetch_perftest() {
  compgen -G "$PERFTEST_LIB/perf-test-*.jar" >/dev/null && return 0
  log "fetching PerfTest into $PERFTEST_LIB"
  mvn -B -q -f "$BENCH_DIR/pom.xml" dependency:copy-dependencies >&2 &&
    compgen -G "$PERFTEST_LIB/perf-test-*.jar" >/dev/null
}

perftest() { java -cp "$PERFTEST_LIB/*" "$PERFTEST_MAIN" "$@"; }

# Results of the last parse_summary: rates in msg/s, latencies as "p50|p99" in microseconds.
PUB="" CONS="" CONSUMER_LAT="" CONFIRM_LAT=""

# parse_summary FILE: reads PerfTest's end-of-run summary, e.g.
#   id: x, sending rate avg: 17704 msg/s
#   id: x, receiving rate avg: 17704 msg/s
#   id: x, consumer latency min/median/75th/95th/99th 274/5214/7377/12699/18036 µs
#   id: x, confirm latency min/median/75th/95th/99th 1127/8351/11197/17766/23106 µs
# (The per-second lines put "latency:" after the percentiles, so they do not match these.)
parse_summary() {
  local file=$1
  PUB=$(rate_of "sending rate avg" "$file")
  CONS=$(rate_of "receiving rate avg" "$file")
  CONSUMER_LAT=$(latency_of consumer "$file")
  CONFIRM_LAT=$(latency_of confirm "$file")
}

rate_of() {
  grep -a -E "$1:" "$2" | tail -1 | sed -E -n "s/.*$1: *([0-9]+([.][0-9]+)?).*/\\1/p"
}

latency_of() {
  grep -a -E "$1 latency min/median/75th/95th/99th:? *[0-9]" "$2" | tail -1 |
    sed -E -n "s#.*$1 latency min/median/75th/95th/99th:? *([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) *([^ ,]*).*#\\2 \\5 \\6#p" |
    awk '{ scale = ($3 == "ms") ? 1000 : 1; printf "%d|%d\n", $1 * scale, $2 * scale }' # -ms reports millis
}

# ---------------------------------------------------------------------------------------------
# One scenario on one broker, and the table.

declare -a ROWS=()

fmt_ms() { awk -v us="$1" 'BEGIN { ms = us / 1000; fmt = ms < 10 ? "%.2f" : (ms < 100 ? "%.1f" : "%.0f"); printf fmt, ms }'; }
fmt_lat() { [[ -n $1 ]] && printf '%s / %s' "$(fmt_ms "${1%|*}")" "$(fmt_ms "${1#*|}")" || printf -- '-'; }

add_row() { # scenario broker status [pub cons consumer_lat confirm_lat]
  local pub=${4:-} cons=${5:-}
  ROWS+=("$1|$2|${pub:--}|${cons:--}|$(fmt_lat "${6:-}")|$(fmt_lat "${7:-}")|$3")
}

run_one() {
  local scenario=$1 broker=$2 port
  START_PROBLEM="broker did not start"
  log "=== $scenario on $broker"
  if [[ $broker == rabbitmq ]]; then
    if ((RMQ_READY == 0)); then add_row "$scenario" "$broker" "failed: RabbitMQ unavailable"; return; fi
    port=$RMQ_PORT_AMQP
    rabbitmq_start "$scenario" || { stop_broker; add_row "$scenario" "$broker" "failed: $START_PROBLEM"; return; }
  else
    if ((W_READY == 0)); then add_row "$scenario" "$broker" "failed: $W_PROBLEM"; return; fi
    port=$W_PORT_AMQP
    warren_start "$scenario" || { stop_broker; add_row "$scenario" "$broker" "failed: $START_PROBLEM"; return; }
  fi

  local out=$RUN_DIR/$scenario.$broker.perftest.txt csv=$RUN_DIR/$scenario.$broker.perftest.csv
  local -a flags
  read -r -a flags <<<"${SCENARIO_FLAGS[$scenario]}"
  local -a cmd=(-h "amqp://guest:guest@127.0.0.1:$port" -d "$scenario-$broker" -u "bench-$scenario-$RUN_ID"
    -z "$DURATION" -o "$csv" "${flags[@]}")
  printf 'java -cp "bench/target/perf-test-lib/*" %s %s\n' "$PERFTEST_MAIN" "${cmd[*]}" >"$RUN_DIR/$scenario.$broker.command"
  if ((WARMUP > 0)); then
    local -a warm=(-h "amqp://guest:guest@127.0.0.1:$port" -d "$scenario-$broker-warmup" -u "bench-$scenario-$RUN_ID-warmup"
      -z "$WARMUP" "${flags[@]}")
    log "warm-up: PerfTest ${warm[*]}"
    timeout -k 10 $((WARMUP + PERFTEST_GRACE)) java -cp "$PERFTEST_LIB/*" "$PERFTEST_MAIN" "${warm[@]}" \
      >"$RUN_DIR/$scenario.$broker.warmup.txt" 2>&1 &
    PERFTEST_PID=$!
    wait "$PERFTEST_PID"
    PERFTEST_PID=""
  fi
  log "PerfTest ${cmd[*]}"
  # In the background so that a signal to this script is handled at once (bash runs traps only
  # between foreground commands), with PERFTEST_PID for the EXIT trap.
  timeout -k 10 $((DURATION + PERFTEST_GRACE)) java -cp "$PERFTEST_LIB/*" "$PERFTEST_MAIN" "${cmd[@]}" >"$out" 2>&1 &
  PERFTEST_PID=$!
  wait "$PERFTEST_PID"
  local rc=$? broker_alive=true
  PERFTEST_PID=""
  kill -0 "$BROKER_PID" 2>/dev/null || broker_alive=false
  stop_broker

  parse_summary "$out"
  local status=ok
  if ! $broker_alive; then status="failed: broker exited during the run"
  elif ((rc == 124 || rc == 137)); then status="failed: PerfTest did not finish in time"
  elif ((rc != 0)); then status="failed: PerfTest exit $rc"
  elif [[ -z $PUB || -z $CONS ]]; then status="failed: no PerfTest summary"
  elif [[ $PUB == 0 ]]; then status="failed: nothing published"
  elif [[ $CONS == 0 ]]; then status="failed: nothing consumed"
  elif awk -v p="$PUB" -v c="$CONS" 'BEGIN { exit !(c < 0.95 * p) }'; then
    # The queue grew during the run, so latency includes time spent waiting in the backlog.
    status="ok, backlog: consumers fell behind"
  fi
  if [[ $status != ok ]]; then
    log "$scenario on $broker: $status (see $out)"
    failure_excerpt "$out" | sed 's/^/    /' >&2
  fi
  add_row "$scenario" "$broker" "$status" "$PUB" "$CONS" "$CONSUMER_LAT" "$CONFIRM_LAT"
}

# The first few error lines of a PerfTest output, without stack frames.
failure_excerpt() {
  local lines
  lines=$(grep -a -v -E '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$1" | grep -a -i -m 4 -E 'exception|error|fail|refused|timeout')
  if [[ -n $lines ]]; then printf '%s\n' "$lines"; else tail -3 "$1"; fi
}

# Prints ROWS as a Markdown table with aligned columns.
print_table() {
  {
    echo "scenario|broker|published msg/s|consumed msg/s|consumer latency p50 / p99 (ms)|confirm latency p50 / p99 (ms)|status"
    printf '%s\n' "${ROWS[@]}"
  } | awk -F'|' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF; rows = NR }
    END {
      for (r = 1; r <= rows; r++) {
        line = "|"
        for (i = 1; i <= n; i++) line = line sprintf(" %-" w[i] "s |", cell[r, i])
        print line
        if (r == 1) { line = "|"; for (i = 1; i <= n; i++) { d = ""; for (k = 0; k < w[i] + 2; k++) d = d "-"; line = line d "|" } print line }
      }
    }'
}

# ---------------------------------------------------------------------------------------------

main() {
  load_scenarios
  while (($#)); do
    case $1 in
      --duration) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--duration needs a number of seconds"; DURATION=$2; shift 2 ;;
      --warmup) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--warmup needs a number of seconds"; WARMUP=$2; shift 2 ;;
      --duration=*) DURATION=${1#*=}; [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "--duration needs a number of seconds"; shift ;;
      --only) ONLY=${2:-}; shift 2 || die "--only needs warren or rabbitmq" ;;
      --only=*) ONLY=${1#*=}; shift ;;
      --no-build) BUILD=false; shift ;;
      --list) for s in "${SCENARIO_ORDER[@]}"; do printf '%-22s %s\n' "$s" "${SCENARIO_DESC[$s]}"; printf '%-22s   %s\n' "" "${SCENARIO_FLAGS[$s]}"; done; exit 0 ;;
      --perftest-help) fetch_perftest || die "could not fetch PerfTest"; perftest --help; exit 0 ;;
      -h | --help) usage; exit 0 ;;
      -*) usage >&2; die "unknown option $1" ;;
      *) [[ -n ${SCENARIO_FLAGS[$1]+set} ]] || die "unknown scenario '$1' (known: ${SCENARIO_ORDER[*]})"; SELECTED+=("$1"); shift ;;
    esac
  done
  case $ONLY in
    "") BROKERS=(rabbitmq warren) ;;
    warren | rabbitmq) BROKERS=("$ONLY") ;;
    *) die "--only must be warren or rabbitmq, not '$ONLY'" ;;
  esac
  ((${#SELECTED[@]})) || SELECTED=("${SCENARIO_ORDER[@]}")

  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg) # other work on the machine skews the figures
  RUN_ID=$(date -u +%Y%m%d-%H%M%S)
  RUN_DIR=$TARGET/results/$RUN_ID
  mkdir -p "$RUN_DIR/logs"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  log "results: $RUN_DIR"

  fetch_perftest || die "could not fetch PerfTest (mvn -f bench/pom.xml dependency:copy-dependencies)"

  RMQ_READY=0 W_READY=0 W_PROBLEM=""
  if [[ " ${BROKERS[*]} " == *" rabbitmq "* ]]; then
    if rabbitmq_prepare; then RMQ_READY=1; else log "RabbitMQ unavailable: its rows will say failed"; fi
  fi
  if [[ " ${BROKERS[*]} " == *" warren "* ]]; then
    W_COMMIT=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if $BUILD && ! warren_build; then
      W_PROBLEM="build failed"
      log "Warren build failed (see $RUN_DIR/warren-build.log): its rows will say failed"
    elif [[ ! -f $W_JAR ]]; then
      W_PROBLEM="no node/target/warren-node.jar"
    else
      W_READY=1
    fi
  fi

  local scenario broker
  for scenario in "${SELECTED[@]}"; do
    for broker in "${BROKERS[@]}"; do
      run_one "$scenario" "$broker"
    done
  done

  {
    echo "Warren benchmark run $RUN_ID (UTC), ${DURATION}s per scenario and broker after a ${WARMUP}s warm-up"
    echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
    echo "load average before the run: $LOAD_BEFORE"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "PerfTest: $PERFTEST_VERSION"
    [[ $RMQ_READY == 1 ]] && echo "RabbitMQ: ${RMQ_VERSION:-unknown} (Erlang/OTP ${ERLANG_VERSION:-unknown}), private node on 127.0.0.1:$RMQ_PORT_AMQP"
    [[ -n $W_COMMIT ]] && echo "Warren: commit $W_COMMIT (plus any uncommitted changes in the tree), node on 127.0.0.1:$W_PORT_AMQP"
    echo
    print_table
    echo
    echo "Raw PerfTest outputs, commands and broker logs: $RUN_DIR"
  } | tee "$RUN_DIR/summary.md"
}

main "$@"
