#!/usr/bin/env bash
# Make sure PostgreSQL and RabbitMQ are reachable, for `make run`, `make test` and CI (.ci/run).
#
#   up already              -> say so (fast: well under 2 s)
#   local, installed, down  -> start it and wait until it is ready
#   local, not installed    -> as root on Debian/Ubuntu: apt-get install it, then start it
#   otherwise               -> print how to get it and exit non-zero
#
# Environment: IC_PG_HOST (127.0.0.1), IC_PG_PORT (5432), IC_AMQP_HOST (127.0.0.1), IC_AMQP_PORT (5672),
#              IC_INFRA_WAIT_S (60: how long to wait for a server we started),
#              IC_RABBITMQ_PROMETHEUS_PORT (15692: RabbitMQ's Prometheus plugin, enabled here when it is off).
# A non-local host is only checked, never started. Idempotent.
set -euo pipefail

PG_HOST="${IC_PG_HOST:-127.0.0.1}"
PG_PORT="${IC_PG_PORT:-5432}"
AMQP_HOST="${IC_AMQP_HOST:-127.0.0.1}"
AMQP_PORT="${IC_AMQP_PORT:-5672}"
WAIT_S="${IC_INFRA_WAIT_S:-60}"
export PATH="$PATH:/usr/sbin:/sbin"   # rabbitmq-server & co. live there on Debian

log() { printf '[infra] %s\n' "$*"; }
err() { printf '[infra] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
tmo() { if have timeout; then timeout "$@"; else shift; "$@"; fi; }   # timeout SECONDS cmd..., if available
run() {  # run a command, its output (to a file, so no daemon can hold a pipe open) shown prefixed
  local out rc=0
  out=$(mktemp "${TMPDIR:-/tmp}/ic-infra.XXXXXX")
  "$@" >"$out" 2>&1 </dev/null || rc=$?
  sed 's/^/[infra]   /' "$out"
  rm -f "$out"
  return "$rc"
}
is_local() { case "$1" in 127.*|localhost|::1|"") return 0 ;; *) return 1 ;; esac; }

SUDO=""
can_root() {
  if [ "$(id -u)" = 0 ]; then SUDO=""; return 0; fi
  if have sudo && sudo -n true 2>/dev/null; then SUDO="sudo -n"; return 0; fi
  return 1
}

tcp_open() {  # host port
  if have python3; then
    python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()' \
      "$1" "$2" >/dev/null 2>&1
  else
    tmo 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" >/dev/null 2>&1
  fi
}

pg_ready() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

rabbit_port_open() { tcp_open "$AMQP_HOST" "$AMQP_PORT"; }

rabbit_ping() {  # only meaningful for the local node; needs the Erlang cookie (root or the rabbitmq user)
  if have rabbitmq-diagnostics; then
    tmo 20 $SUDO rabbitmq-diagnostics -q ping >/dev/null 2>&1
  elif have rabbitmqctl; then
    tmo 20 $SUDO rabbitmqctl -q await_startup >/dev/null 2>&1
  else
    return 0
  fi
}

pg_installed() { have pg_ctlcluster && { ls -d /etc/postgresql/*/main >/dev/null 2>&1 || ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; }; }
rabbit_installed() { have rabbitmq-server; }

wait_until() {  # seconds description command...
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@"; do
    if (( SECONDS - start >= limit )); then
      err "$what is still not ready after ${limit}s"
      return 1
    fi
    sleep 1
  done
  log "$what is ready (after $(( SECONDS - start ))s)"
}

pg_version() {  # newest version that has a main cluster, else newest installed server
  local v
  v=$(ls /etc/postgresql 2>/dev/null | sort -V | while read -r x; do
        if [ -d "/etc/postgresql/$x/main" ]; then echo "$x"; fi; done | tail -n 1) || true
  [ -n "$v" ] || v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1) || true
  printf '%s' "$v"
}

pg_trust_local() {  # only for a cluster this script just installed: the app connects as postgres without password
  local hba="/etc/postgresql/$1/main/pg_hba.conf"
  [ -f "$hba" ] || return 0
  if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    log "fresh cluster: allowing password-less (trust) connections from 127.0.0.1/::1 in $hba"
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    if pg_ready; then run $SUDO pg_ctlcluster --skip-systemctl-redirect "$1" main reload || true; fi
  fi
}

start_pg() {
  local v
  v=$(pg_version)
  if [ -z "$v" ]; then err "no PostgreSQL version found under /etc/postgresql or /usr/lib/postgresql"; return 1; fi
  if [ ! -d "/etc/postgresql/$v/main" ]; then
    log "creating PostgreSQL cluster $v/main"
    run $SUDO pg_createcluster "$v" main || return 1
  fi
  if [ "$PG_INSTALLED_NOW" = 1 ]; then pg_trust_local "$v"; fi
  pg_ready && return 0   # apt may have started it already
  if $SUDO pg_ctlcluster "$v" main status >/dev/null 2>&1; then
    log "PostgreSQL $v/main is already running (still starting up?); waiting for $PG_HOST:$PG_PORT"
  else
    log "starting PostgreSQL $v/main: pg_ctlcluster --skip-systemctl-redirect $v main start"
    run $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  fi
  wait_until "$WAIT_S" "PostgreSQL on $PG_HOST:$PG_PORT" pg_ready || {
    err "(is IC_PG_PORT right? see pg_lsclusters)"; return 1; }
}

start_rabbit() {
  local out="${TMPDIR:-/tmp}/ic-rabbitmq-start.log"
  if ! rabbit_port_open; then
    if (have rabbitmq-diagnostics || have rabbitmqctl) && rabbit_ping; then
      err "a local RabbitMQ node is running but nothing listens on $AMQP_HOST:$AMQP_PORT: check IC_AMQP_PORT"
      return 1
    fi
    log "starting RabbitMQ: rabbitmq-server -detached (output in $out; this takes a while)"
    $SUDO rabbitmq-server -detached >"$out" 2>&1 || true
  fi
  wait_until "$WAIT_S" "RabbitMQ port $AMQP_HOST:$AMQP_PORT" rabbit_port_open || return 1
  if ! rabbit_ping; then err "RabbitMQ accepts connections but did not answer a ping"; return 1; fi
}

# RabbitMQ's Prometheus plugin: queue depth and consumers per queue for the alerts (deploy/prometheus). Enabling
# is online and idempotent (a second time: "Plugin configuration unchanged"); when its port already answers,
# nothing is run at all (the fast path stays fast). Metrics only: a failure is reported, never fatal.
RABBIT_PROMETHEUS_PORT="${IC_RABBITMQ_PROMETHEUS_PORT:-15692}"
rabbit_prometheus() {
  is_local "$AMQP_HOST" || return 0
  if tcp_open "$AMQP_HOST" "$RABBIT_PROMETHEUS_PORT"; then return 0; fi
  if ! have rabbitmq-plugins || ! can_root; then
    log "RabbitMQ's Prometheus plugin is off (enable it: rabbitmq-plugins enable rabbitmq_prometheus)"
    return 0
  fi
  log "enabling RabbitMQ's Prometheus plugin (queue metrics on :$RABBIT_PROMETHEUS_PORT)"
  run tmo 120 $SUDO rabbitmq-plugins enable rabbitmq_prometheus || err "could not enable rabbitmq_prometheus (continuing)"
}

how_to() {
  err "To get PostgreSQL 15 and RabbitMQ 3.10+:"
  err "  Debian/Ubuntu (as root or with sudo):"
  err "    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql rabbitmq-server"
  err "    pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
  err "    rabbitmq-server -detached"
  err "    (then re-run this script; the app connects as postgres without password over 127.0.0.1: trust auth)"
  err "  macOS: brew install postgresql@15 rabbitmq && brew services start postgresql@15 && brew services start rabbitmq"
  if have docker; then
    err "  Docker: docker compose -f deploy/docker-compose.yml up -d postgres rabbitmq"
    err "    (the whole stack: docker compose -f deploy/docker-compose.yml up -d)"
    err "    and export IC_PG_URL=postgresql+psycopg://postgres:postgres@127.0.0.1:5432"
  fi
  err "  Or use existing servers: IC_PG_HOST/IC_PG_PORT/IC_AMQP_HOST/IC_AMQP_PORT for this check,"
  err "    IC_PG_URL/IC_AMQP_URI for the application."
}

# ---------------------------------------------------------------------------------------------------------
PG_OK=0; RABBIT_OK=0; PG_INSTALLED_NOW=0
if pg_ready; then PG_OK=1; log "PostgreSQL is up on $PG_HOST:$PG_PORT"; fi
if rabbit_port_open; then
  RABBIT_OK=1
  if is_local "$AMQP_HOST" && can_root; then
    if rabbit_ping; then log "RabbitMQ is up on $AMQP_HOST:$AMQP_PORT (ping ok)"
    else log "RabbitMQ port $AMQP_HOST:$AMQP_PORT is open (ping failed: node still booting or no cookie access)"; fi
  else
    log "RabbitMQ is up on $AMQP_HOST:$AMQP_PORT"
  fi
fi
if (( PG_OK && RABBIT_OK )); then rabbit_prometheus; exit 0; fi

fail=0
need_pg=0; need_rabbit=0
if (( ! PG_OK )); then
  if ! is_local "$PG_HOST"; then err "PostgreSQL is not reachable on $PG_HOST:$PG_PORT (non-local host: not starting anything)"; fail=1
  else need_pg=1; fi
fi
if (( ! RABBIT_OK )); then
  if ! is_local "$AMQP_HOST"; then err "RabbitMQ is not reachable on $AMQP_HOST:$AMQP_PORT (non-local host: not starting anything)"; fail=1
  else need_rabbit=1; fi
fi

# Install what is missing, when we may.
missing=()
if (( need_pg )) && ! pg_installed; then missing+=(postgresql); fi
if (( need_rabbit )) && ! rabbit_installed; then missing+=(rabbitmq-server); fi
if (( ${#missing[@]} )); then
  if [ "$(id -u)" = 0 ] && have apt-get && [ -r /etc/debian_version ]; then
    log "installing ${missing[*]} with apt-get"
    if run apt-get update && run env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"; then
      if [[ " ${missing[*]} " == *" postgresql "* ]]; then PG_INSTALLED_NOW=1; fi
    else
      err "apt-get install ${missing[*]} failed"; fail=1; need_pg=0; need_rabbit=0
    fi
  else
    err "not installed: ${missing[*]} (and cannot install it here: needs root on Debian/Ubuntu with apt-get)"
    for m in "${missing[@]}"; do
      case "$m" in postgresql) need_pg=0 ;; rabbitmq-server) need_rabbit=0 ;; esac
    done
    fail=1
  fi
fi

# Start what is installed but down.
if (( need_pg || need_rabbit )) && ! can_root; then
  err "PostgreSQL/RabbitMQ are installed but down, and starting them needs root (or password-less sudo)"
  need_pg=0; need_rabbit=0; fail=1
fi
if (( need_pg )); then start_pg || fail=1; fi
if (( need_rabbit )); then start_rabbit || fail=1; fi

if (( fail )); then how_to; exit 1; fi
rabbit_prometheus
log "PostgreSQL and RabbitMQ are ready"

# IC_BROKER_USERS=1: each service and the gateway its own RabbitMQ user, allowed only its own queues
# (ic_platform/broker_users.py, derived from the services and the topology); make run reads var/broker-users.json.
if [ "${IC_BROKER_USERS:-0}" = 1 ] && have rabbitmqctl && [ -x .venv/bin/python ]; then
  PYTHONPATH=. tmo 120 $SUDO .venv/bin/python -m ic_platform.broker_users ensure var/broker-users.json \
    || { err "could not create the broker users"; exit 1; }
fi
