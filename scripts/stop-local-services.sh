#!/usr/bin/env bash
# Stop the project-local PostgreSQL and Redis that ensure-services.sh started
# under <repo>/.data/ (never the system's services). Their data is kept.
set -uo pipefail
DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.data"

if [ -f "$DATA/postgres/postmaster.pid" ]; then
  pg_ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -t/ -k5,5 -V | tail -1)
  pg_ctl=${pg_ctl:-$(command -v pg_ctl)}
  owner=$(stat -c %U "$DATA/postgres")
  if [ "$(id -u)" = 0 ] && [ "$owner" != root ]; then
    runuser -u "$owner" -- "$pg_ctl" -D "$DATA/postgres" -m fast -w stop
  else
    "$pg_ctl" -D "$DATA/postgres" -m fast -w stop
  fi
else
  echo "postgres: no project-local instance running"
fi

pid=$(cat "$DATA/redis.pid" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
  kill "$pid" # SIGTERM: redis-server saves and exits
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  echo "redis: stopped (pid $pid)"
else
  echo "redis: no project-local instance running"
fi
