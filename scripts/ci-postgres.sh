#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the hub's tests and prints the URL to use as
# INFLOW_TEST_DATABASE_URL. Installs Debian's `postgresql` first when no server binaries
# are present. The server runs as the `postgres` user (it refuses to run as root).
#
#   scripts/ci-postgres.sh start [port]   prints the connection URL on stdout
#   scripts/ci-postgres.sh stop           stops it and removes its files
#
# Everything else this script says goes to stderr, so `url=$(... start)` captures only the URL.
set -euo pipefail

STATE_FILE="${TMPDIR:-/tmp}/inflow-ci-postgres.state"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }

bin_dir() {
  local pg_ctl
  pg_ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$pg_ctl" ] && dirname "$pg_ctl"
}

start() {
  local port="${1:-55432}"
  if [ -z "$(bin_dir)" ]; then
    echo "Installing PostgreSQL from Debian (apt-get install -y postgresql)" >&2
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update >&2
    as_root apt-get install -y --no-install-recommends postgresql >&2
  fi
  # A port something already listens on is skipped.
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  local bin
  bin=$(bin_dir)
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/inflow-pg.XXXXXX")
  chmod 755 "$dir"
  mkdir -p "$dir/data" "$dir/socket"
  as_root chown -R postgres:postgres "$dir/data" "$dir/socket"
  as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  as_postgres "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1" \
    -l "$dir/socket/server.log" -w start >&2
  echo "$bin $dir" >"$STATE_FILE"
  as_postgres "$bin/psql" -h "$dir/socket" -p "$port" -U postgres -q \
    -c "create role inflow login password 'inflow' superuser" \
    -c "create database inflow owner inflow" >&2
  echo "postgres://inflow:inflow@127.0.0.1:$port/inflow"
}

stop() {
  [ -f "$STATE_FILE" ] || return 0
  local bin dir
  read -r bin dir <"$STATE_FILE"
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  as_root rm -rf "$dir"
  rm -f "$STATE_FILE"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start [port] | stop" >&2; exit 2 ;;
esac
