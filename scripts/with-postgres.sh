#!/usr/bin/env bash
# Run a command against a local PostgreSQL: start the Debian cluster if it is
# down, make sure the portal role exists (it creates the test database itself),
# and export DATABASE_URL for the command.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
as_postgres() { $SUDO su postgres -s /bin/bash -c "$1"; }

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  $SUDO pg_createcluster --locale C.UTF-8 "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -1)
read -r ver name port status _ <<<"$cluster"
[[ "$status" == online ]] || $SUDO pg_ctlcluster "$ver" "$name" start
for _ in $(seq 1 30); do as_postgres "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='portal'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal'\""
as_postgres "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname='portal'\"" | grep -q 1 \
  || as_postgres "createdb -p $port -O portal -E UTF8 --locale C.UTF-8 -T template0 portal"

export DATABASE_URL="postgres://portal:portal@127.0.0.1:${port}/portal"
exec "$@"
