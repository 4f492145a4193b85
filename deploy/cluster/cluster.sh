#!/usr/bin/env bash
# The cluster profile's services on this machine, loopback only:
#   cluster.sh up [WORKERS]   PostgreSQL (port 55432), Redis (port 56379), the Dagster daemon and
#                             WORKERS Celery workers (default 2); installs Debian's postgresql and
#                             redis-server first when missing (as root, with apt-get)
#   cluster.sh down           stops all of them and removes their state
# The ports are the ones deploy/cluster/dagster.yaml and celery.yaml name. State: the
# Dagster home, logs and pid files in $CGR_DATA_DIR/cluster; the PostgreSQL cluster in
# /tmp/cgr-cluster-pg (PostgreSQL refuses to run as root, so it runs as the postgres user there).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="${BIN:-$REPO/.venv/bin}"
BIN="$(cd "$BIN" && pwd)"
PG_PORT=55432
REDIS_PORT=56379
BROKER="redis://127.0.0.1:$REDIS_PORT/0"
export CGR_DATA_DIR="$(realpath -m "${CGR_DATA_DIR:-$REPO/data}")"
STATE="$CGR_DATA_DIR/cluster"
RUN="$STATE/run"
PGROOT=/tmp/cgr-cluster-pg
export DAGSTER_HOME="${DAGSTER_HOME:-$STATE/dagster_home}"
export CGR_PROFILE=cluster
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export PATH="$BIN:$PATH"  # dagster-celery starts `celery` from the PATH
for v in CGR_REPORTS_DIR CGR_RELEASES_DIR; do
  [ -n "${!v:-}" ] && export "$v=$(realpath -m "${!v}")"
done

say() { echo "cluster: $*"; }

as_pg() {  # run a PostgreSQL binary as the postgres user when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)"
}

install_missing() {
  local need=()
  [ -n "$(pg_bin)" ] || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "cluster: ${need[*]} missing; install them (Debian: apt-get install ${need[*]})" >&2
    exit 2
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_postgres() {
  local bin; bin="$(pg_bin)"
  port_free "$PG_PORT" || { echo "cluster: port $PG_PORT on 127.0.0.1 is taken (make cluster-down, or stop what uses it)" >&2; exit 2; }
  rm -rf "$PGROOT"
  mkdir -p "$PGROOT"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGROOT"
  as_pg "$bin/initdb" -D "$PGROOT/data" -U cgr -A trust -E UTF8 --no-locale >"$RUN/initdb.log" 2>&1 \
    || { cat "$RUN/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGROOT -c max_connections=200" start >/dev/null
  as_pg "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U cgr -d postgres -c "CREATE DATABASE dagster" >/dev/null
  say "PostgreSQL on 127.0.0.1:$PG_PORT ($PGROOT)"
}

start_redis() {
  port_free "$REDIS_PORT" || { echo "cluster: port $REDIS_PORT on 127.0.0.1 is taken (make cluster-down, or stop what uses it)" >&2; exit 2; }
  mkdir -p "$RUN/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --dir "$RUN/redis" --save "" --appendonly no \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  say "Redis on 127.0.0.1:$REDIS_PORT"
}

start_detached() {  # NAME CMD...: a new session, so `down` stops it and its children together
  local name="$1"; shift
  (cd "$REPO" && exec setsid "$@" >"$RUN/$name.log" 2>&1 </dev/null) &
  echo $! >"$RUN/$name.pid"
}

up() {
  local workers="${1:-2}"
  install_missing
  mkdir -p "$RUN" "$DAGSTER_HOME"
  [ -e "$DAGSTER_HOME/dagster.yaml" ] || cp "$HERE/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"
  start_postgres
  start_redis
  start_detached daemon "$BIN/dagster-daemon" run -w "$HERE/workspace.yaml"
  for i in $(seq "$workers"); do
    start_detached "worker$i" "$BIN/dagster-celery" worker start -A dagster_celery.app -y "$HERE/celery.yaml" \
      -n "cgr-w$i" -l WARNING -- --concurrency=1
  done
  local ready=0
  for _ in $(seq 40); do
    ready="$("$BIN/celery" -b "$BROKER" inspect ping --timeout 2 2>/dev/null | grep -c pong || true)"
    [ "$ready" -ge "$workers" ] && break
    sleep 1
  done
  if [ "$ready" -lt "$workers" ]; then
    echo "cluster: only $ready of $workers workers answered; logs in $RUN" >&2
    exit 1
  fi
  say "Dagster daemon and $workers Celery workers up (DAGSTER_HOME=$DAGSTER_HOME, logs in $RUN)"
  say "build with: CGR_PROFILE=cluster cgr build"
}

down() {
  local f pid bin
  for f in "$RUN"/daemon.pid "$RUN"/worker*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for f in "$RUN"/daemon.pid "$RUN"/worker*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ -e "$RUN/redis.pid" ]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$RUN/redis.pid")" 2>/dev/null || true
  fi
  bin="$(pg_bin || true)"
  if [ -n "$bin" ] && [ -e "$PGROOT/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGROOT" "$STATE"
  say "stopped; state removed ($STATE, $PGROOT)"
}

case "${1:-}" in
  up) up "${2:-${CGR_WORKERS:-2}}" ;;
  down) down ;;
  *) echo "usage: $0 up [WORKERS] | down" >&2; exit 2 ;;
esac
