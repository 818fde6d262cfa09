#!/usr/bin/env bash
# Start / stop a throw-away local Spark Connect server (pip's pyspark >= 4 ships it).
#
#   spark-connect-server.sh [start] [DIR] [extra spark-submit args...]
#       Starts a server on a free 127.0.0.1 port, logs/pids/warehouse under DIR
#       (mktemp -d when DIR is missing or empty), waits up to $SPARK_CONNECT_TIMEOUT
#       seconds (120) for the port to answer, then prints on stdout:
#           PORT=<n>
#           PIDDIR=<dir>
#       Everything else goes to stderr. Exit 1 (with the log tail) on failure.
#   spark-connect-server.sh stop DIR
#       Stops the server started with DIR (TERM, then KILL after 30 s).
#
# Env: SPARK_HOME (default: the pip pyspark package dir), SPARK_NICENESS (default 19),
#      SPARK_CONNECT_TIMEOUT (default 120), SPARK_DRIVER_MEMORY (default 1g).
# Works as root: sets SPARK_IDENT_STRING itself, needs no $USER, writes nothing outside DIR.
set -euo pipefail

IDENT=loupe
CLASS=org.apache.spark.sql.connect.service.SparkConnectServer
PY=${PYTHON:-python3}

die() { echo "spark-connect-server: $*" >&2; exit 1; }

find_spark_home() {
  if [ -n "${SPARK_HOME:-}" ]; then echo "$SPARK_HOME"; return; fi
  "$PY" -c 'import pyspark,os;print(os.path.dirname(pyspark.__file__))' 2>/dev/null \
    || die "pyspark not importable by $PY and SPARK_HOME unset (pip install pyspark)"
}

pidfile_of() { echo "$1/pid/spark-$IDENT-$CLASS-1.pid"; }

log_tail() {
  local f
  for f in "$1"/logs/*.out; do
    [ -f "$f" ] || continue
    echo "----- last 40 lines of $f -----" >&2
    tail -n 40 "$f" >&2
  done
}

port_open() {
  "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1]))); sys.exit(0)
except OSError:
    sys.exit(1)
EOF
}

stop_server() {
  local dir=${1:-}
  [ -n "$dir" ] || die "usage: $0 stop DIR"
  local pf; pf=$(pidfile_of "$dir")
  if [ ! -f "$pf" ]; then echo "no server pid file in $dir" >&2; return 0; fi
  local pid; pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "server $pid still alive after 30 s, sending KILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
    echo "stopped Spark Connect server (pid $pid)" >&2
  else
    echo "server pid $pid not running" >&2
  fi
  rm -f "$pf"
}

start_server() {
  local dir=${1:-}
  [ $# -gt 0 ] && shift
  [ -n "$dir" ] || dir=$(mktemp -d -t spark-connect.XXXXXX)
  mkdir -p "$dir/logs" "$dir/pid" "$dir/warehouse" "$dir/local" "$dir/work"
  dir=$(cd "$dir" && pwd)

  command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || die "no java on PATH (Java 17+ needed)"
  local sh; sh=$(find_spark_home)
  [ -x "$sh/sbin/start-connect-server.sh" ] || [ -f "$sh/sbin/start-connect-server.sh" ] \
    || die "$sh/sbin/start-connect-server.sh missing"

  local pf; pf=$(pidfile_of "$dir")
  if [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null; then
    die "a server from $dir is already running (pid $(cat "$pf")); stop it first"
  fi

  local port
  port=$("$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()')

  local t0=$SECONDS
  # The daemon script writes its own chatter to stdout: keep stdout for PORT=/PIDDIR= only.
  ( cd "$dir/work" &&
    SPARK_HOME="$sh" SPARK_LOG_DIR="$dir/logs" SPARK_PID_DIR="$dir/pid" \
    SPARK_IDENT_STRING="$IDENT" SPARK_NICENESS="${SPARK_NICENESS:-19}" \
    SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$dir/local" \
    bash "$sh/sbin/start-connect-server.sh" \
      --master "local[2]" \
      --driver-memory "${SPARK_DRIVER_MEMORY:-1g}" \
      --driver-java-options "-Dderby.system.home=$dir/work -Djava.io.tmpdir=$dir/local" \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf spark.connect.grpc.binding.port="$port" \
      --conf spark.connect.grpc.port.maxRetries=0 \
      --conf spark.driver.host=127.0.0.1 \
      --conf spark.driver.bindAddress=127.0.0.1 \
      --conf spark.ui.enabled=false \
      --conf spark.sql.catalogImplementation=in-memory \
      --conf spark.sql.warehouse.dir="$dir/warehouse" \
      --conf spark.local.dir="$dir/local" \
      "$@" ) >&2 || { log_tail "$dir"; die "start-connect-server.sh failed"; }

  local timeout=${SPARK_CONNECT_TIMEOUT:-120}
  while ! port_open "$port"; do
    if [ -f "$pf" ] && ! kill -0 "$(cat "$pf")" 2>/dev/null; then
      log_tail "$dir"; die "server process died before port $port answered (logs in $dir/logs)"
    fi
    if [ $((SECONDS - t0)) -ge "$timeout" ]; then
      log_tail "$dir"; stop_server "$dir"
      die "port $port did not answer within ${timeout}s (logs in $dir/logs)"
    fi
    sleep 0.5
  done
  echo "Spark Connect server up on 127.0.0.1:$port after $((SECONDS - t0)) s (pid $(cat "$pf" 2>/dev/null))" >&2
  echo "PORT=$port"
  echo "PIDDIR=$dir"
}

case "${1:-start}" in
  stop) shift; stop_server "${1:-}" ;;
  start) [ $# -gt 0 ] && shift; start_server "$@" ;;
  -h|--help) sed -n '2,17p' "$0" ;;
  *) start_server "$@" ;;
esac
