#!/usr/bin/env bash
# Make PostgreSQL and Redis answer at DATABASE_URL / REDIS_URL.
#
# Idempotent; prints one "ok" line per service when all is well. When a local
# service does not answer it tries, in order:
#   1. starting this machine's system service (only for the system's own port),
#   2. installing the missing binaries from Debian's packages (root or sudo -n),
#   3. starting a project-local instance under <repo>/.data/.
# Never starts anything for a remote host, and never creates the application
# database (`npm run db:migrate` does that). Bash + standard tools only: it runs
# before `npm ci`. Stop the project-local instances with stop-local-services.sh.
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
DATA="$ROOT/.data"
WAIT_SECONDS=${ENSURE_SERVICES_WAIT:-30}

log() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- configuration

# Value of KEY from a dotenv file (last assignment wins), or nothing.
dotenv_get() {
  local file=$1 key=$2 line val found=""
  [ -f "$file" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}[[:space:]]*=(.*)$ ]] || continue
    val=${BASH_REMATCH[2]}
    val=${val#"${val%%[![:space:]]*}"} # trim leading blanks
    if [[ $val == \"* ]]; then
      val=${val#\"}
      val=${val%%\"*}
    elif [[ $val == \'* ]]; then
      val=${val#\'}
      val=${val%%\'*}
    else
      val=${val%%[[:space:]]#*}          # inline comment
      val=${val%"${val##*[![:space:]]}"} # trim trailing blanks
    fi
    found=$val
  done <"$file"
  [ -n "$found" ] || return 1
  printf '%s' "$found"
}

# Environment, else .env, else .env.example.
config_get() {
  local key=$1
  if [ -n "${!key:-}" ]; then
    printf '%s' "${!key}"
    return 0
  fi
  dotenv_get "$ROOT/.env" "$key" || dotenv_get "$ROOT/.env.example" "$key"
}

urldecode() {
  local s=${1//+/ }
  printf '%b' "${s//%/\\x}"
}

# parse_url URL DEFAULT_PORT -> sets U_USER U_PASS U_HOST U_PORT
parse_url() {
  local url=$1 rest auth userinfo hostport
  U_USER="" U_PASS="" U_HOST="" U_PORT=$2
  rest=${url#*://}
  auth=${rest%%[/?#]*}
  if [[ $auth == *@* ]]; then
    userinfo=${auth%@*}
    hostport=${auth##*@}
    U_USER=$(urldecode "${userinfo%%:*}")
    [[ $userinfo == *:* ]] && U_PASS=$(urldecode "${userinfo#*:}")
  else
    hostport=$auth
  fi
  if [[ $hostport == \[* ]]; then # [::1]:5432
    U_HOST=${hostport#\[}
    U_HOST=${U_HOST%%\]*}
    [[ $hostport == *\]:* ]] && U_PORT=${hostport##*\]:}
  else
    U_HOST=${hostport%%:*}
    [[ $hostport == *:* ]] && U_PORT=${hostport#*:}
  fi
  [ -n "$U_HOST" ] || U_HOST=localhost
  [ -n "$U_PORT" ] || U_PORT=$2
}

is_local() {
  case $1 in
  localhost | ::1 | 127.*) return 0 ;;
  *) return 1 ;;
  esac
}

hp() { if [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "$1" "$2"; fi; }

DATABASE_URL_V=$(config_get DATABASE_URL) || DATABASE_URL_V=""
REDIS_URL_V=$(config_get REDIS_URL) || REDIS_URL_V=""
if [ -z "$DATABASE_URL_V" ] || [ -z "$REDIS_URL_V" ]; then
  warn "ensure-services: DATABASE_URL and REDIS_URL must be set in the environment, .env or .env.example"
  exit 1
fi

parse_url "$DATABASE_URL_V" 5432
PG_USER=${U_USER:-postgres} PG_HOST=$U_HOST PG_PORT=$U_PORT
parse_url "$REDIS_URL_V" 6379
REDIS_USER=$U_USER REDIS_PASS=$U_PASS REDIS_HOST=$U_HOST REDIS_PORT=$U_PORT
for p in "$PG_PORT" "$REDIS_PORT"; do
  if ! [[ $p =~ ^[0-9]+$ ]]; then
    warn "ensure-services: bad port '$p' in DATABASE_URL or REDIS_URL"
    exit 1
  fi
done

# ---------------------------------------------------------------- checks

pg_isready_bin() { command -v pg_isready 2>/dev/null || find_pg_bin pg_isready; }

pg_answers() {
  local bin
  bin=$(pg_isready_bin) && [ -n "$bin" ] || return 1
  "$bin" -q -t 3 -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1
}

# Prints the server's reply to PING (PONG when well).
redis_reply() {
  if command -v redis-cli >/dev/null 2>&1; then
    local args=(-h "$REDIS_HOST" -p "$REDIS_PORT")
    [ -n "$REDIS_USER" ] && args+=(--user "$REDIS_USER")
    REDISCLI_AUTH=$REDIS_PASS timeout 5 redis-cli "${args[@]}" ping 2>/dev/null | head -1
  else
    REDIS_HOST=$REDIS_HOST REDIS_PORT=$REDIS_PORT REDIS_USER=$REDIS_USER REDIS_PASS=$REDIS_PASS \
      timeout 5 bash -c '
        exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
        if [ -n "$REDIS_PASS" ]; then
          if [ -n "$REDIS_USER" ]; then printf "AUTH %s %s\r\n" "$REDIS_USER" "$REDIS_PASS" >&3
          else printf "AUTH %s\r\n" "$REDIS_PASS" >&3; fi
          IFS= read -r -t 3 line <&3 || exit 1
        fi
        printf "PING\r\n" >&3
        IFS= read -r -t 3 line <&3 || exit 1
        line=${line%$'"'"'\r'"'"'}
        printf "%s\n" "${line#+}"' 2>/dev/null
  fi
}

redis_answers() { [ "$(redis_reply)" = PONG ]; }

wait_for() { # wait_for CHECK_FUNCTION [SECONDS]
  local i
  for ((i = 0; i < ${2:-$WAIT_SECONDS} * 2; i++)); do
    "$1" && return 0
    sleep 0.5
  done
  return 1
}

# ---------------------------------------------------------------- helpers

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
SUDO=()
CAN_INSTALL="" # decided on first use: root, or sudo without a password, and apt-get
can_install() {
  if [ -z "$CAN_INSTALL" ]; then
    CAN_INSTALL=0
    if ! command -v apt-get >/dev/null 2>&1; then
      :
    elif [ $IS_ROOT = 1 ]; then
      CAN_INSTALL=1
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
      CAN_INSTALL=1
    fi
  fi
  [ "$CAN_INSTALL" = 1 ]
}

APT_UPDATED=0
apt_install() {
  can_install || return 1
  if [ $APT_UPDATED = 0 ]; then
    log "  apt-get update"
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null >/dev/null 2>&1 ||
      warn "  apt-get update failed"
    APT_UPDATED=1
  fi
  log "  apt-get install -y $*"
  local out rc
  out=$(mktemp -t ensure-services-apt.XXXXXX)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" \
    </dev/null >"$out" 2>&1
  rc=$?
  [ $rc = 0 ] || tail -n 5 "$out" | sed 's/^/    /' >&2
  rm -f "$out"
  return $rc
}

find_pg_bin() { # find_pg_bin NAME -> path of the newest version's binary
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    [ -x "$d/$1" ] && {
      printf '%s' "$d/$1"
      return 0
    }
  done
  command -v "$1" 2>/dev/null
}

pg_server_missing() { [ -z "$(find_pg_bin initdb)" ] || [ -z "$(find_pg_bin pg_ctl)" ] || [ -z "$(pg_isready_bin)" ]; }

# The unprivileged user that runs the project-local PostgreSQL when we are root.
PG_RUN_USER=""
pg_pick_user() {
  if [ $IS_ROOT = 0 ]; then
    PG_RUN_USER=$(id -un)
    return 0
  fi
  if id postgres >/dev/null 2>&1; then
    PG_RUN_USER=postgres
  else
    id scheduler >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin scheduler >/dev/null 2>&1 ||
      adduser --system --no-create-home --group scheduler >/dev/null 2>&1
    id scheduler >/dev/null 2>&1 || return 1
    PG_RUN_USER=scheduler
  fi
}

as_pg_user() {
  if [ $IS_ROOT = 1 ]; then
    runuser -u "$PG_RUN_USER" -- "$@"
  else
    "$@"
  fi
}

sq() { printf "'%s'" "${1//\'/\'\'}"; } # single-quoted for postgresql.conf

TRIED=()

# ---------------------------------------------------------------- PostgreSQL

pg_system_start() {
  [ $IS_ROOT = 1 ] || return 1
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local ver port
  ver=$(ls /etc/postgresql 2>/dev/null | head -1)
  [ -n "$ver" ] && [ -d "/etc/postgresql/$ver/main" ] || return 1
  port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "/etc/postgresql/$ver/main/postgresql.conf" 2>/dev/null | tail -1)
  [ "${port:-5432}" = "$PG_PORT" ] || return 1 # the system cluster would not answer on this port
  TRIED+=("postgres: pg_ctlcluster $ver main start")
  log "  starting the system PostgreSQL cluster $ver/main"
  if pg_ctlcluster --skip-systemctl-redirect "$ver" main start </dev/null >/dev/null 2>&1; then
    wait_for pg_answers
  else
    wait_for pg_answers 3
  fi
}

pg_local_start() {
  local initdb pg_ctl pgdata="$DATA/postgres" sock="$DATA/run" logf="$DATA/postgres.log" listen
  initdb=$(find_pg_bin initdb)
  pg_ctl=$(find_pg_bin pg_ctl)
  if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
    TRIED+=("postgres: project-local instance (no initdb/pg_ctl found)")
    return 1
  fi
  TRIED+=("postgres: project-local instance in $pgdata (log: $logf)")
  PG_LOCAL_TRIED=1
  if ! pg_pick_user; then
    warn "  cannot find or create an unprivileged user to run PostgreSQL"
    return 1
  fi
  mkdir -p "$DATA" "$pgdata" "$sock"
  [ ${#sock} -le 90 ] || sock=$(mktemp -d -t scheduler-pg.XXXXXX) # unix socket paths are short
  touch "$logf"
  if [ $IS_ROOT = 1 ]; then
    chown -R "$PG_RUN_USER": "$pgdata" "$sock" "$logf"
    if ! runuser -u "$PG_RUN_USER" -- test -w "$pgdata"; then
      warn "  user $PG_RUN_USER cannot write $pgdata (a parent folder is not accessible to it);"
      warn "  make the repository's folders readable (e.g. chmod o+x on its parents) or start PostgreSQL yourself"
      return 1
    fi
  fi
  chmod 700 "$pgdata"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    find "$pgdata" -mindepth 1 -delete 2>/dev/null # leftovers of a failed initdb
    log "  initdb $pgdata (user $PG_USER, trust auth, run as $PG_RUN_USER)"
    if ! as_pg_user "$initdb" -D "$pgdata" --username="$PG_USER" --auth=trust --encoding=UTF8 --locale=C \
      >>"$logf" 2>&1 </dev/null; then
      warn "  initdb failed; see $logf"
      return 1
    fi
    printf "\ninclude_if_exists = 'scheduler-local.conf'\n" >>"$pgdata/postgresql.conf"
  fi
  case $PG_HOST in
  localhost) listen='127.0.0.1,::1' ;; # postgres skips (with a warning) an address it cannot bind
  *) listen=$PG_HOST ;;
  esac
  {
    echo "# written by scripts/ensure-services.sh at every start"
    echo "listen_addresses = $(sq "$listen")"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = $(sq "$sock")"
  } >"$pgdata/scheduler-local.conf"
  [ $IS_ROOT = 1 ] && chown "$PG_RUN_USER": "$pgdata/scheduler-local.conf"
  # Running but not answering at the URL: it was started for another host/port.
  local action=start
  as_pg_user "$pg_ctl" -D "$pgdata" status >/dev/null 2>&1 </dev/null && action=restart
  log "  pg_ctl $action ($(hp "$PG_HOST" "$PG_PORT"), data $pgdata)"
  # 8>&- 9>&-: the server must not inherit (and so keep holding) our lock files
  as_pg_user "$pg_ctl" -D "$pgdata" -l "$logf" -w -t "$WAIT_SECONDS" -m fast $action >/dev/null 2>&1 </dev/null 8>&- 9>&- ||
    warn "  pg_ctl $action failed; see $logf"
  wait_for pg_answers
}

ensure_postgres() {
  local where
  where=$(hp "$PG_HOST" "$PG_PORT")
  if pg_answers; then
    log "postgres: ok at $where"
    return 0
  fi
  if ! is_local "$PG_HOST"; then
    if [ -n "$(pg_isready_bin)" ]; then
      warn "postgres: not reachable at $where (a remote host: start it there, or fix DATABASE_URL)"
    else
      warn "postgres: cannot check $where: pg_isready is not installed (Debian package postgresql-client)"
    fi
    return 1
  fi
  log "postgres: not answering at $where; starting it"
  pg_system_start && { log "postgres: ok at $where (system service started)"; return 0; }
  if pg_server_missing; then
    TRIED+=("postgres: apt-get install postgresql")
    if can_install; then
      apt_install postgresql || warn "  apt-get install postgresql failed"
      pg_answers && { log "postgres: ok at $where (installed)"; return 0; }
      pg_system_start && { log "postgres: ok at $where (installed, system service started)"; return 0; }
    else
      warn "  PostgreSQL is not installed and this user cannot install it (needs root or sudo -n, and apt-get)"
    fi
  fi
  if pg_server_missing; then
    :
  else
    mkdir -p "$DATA"
    { exec 9>"$DATA/.ensure-services-pg.lock"; } 2>/dev/null && flock -w 120 9
    pg_answers && { log "postgres: ok at $where"; exec 9>&-; return 0; }
    pg_local_start && { log "postgres: ok at $where (project-local instance in .data/postgres)"; exec 9>&-; return 0; }
    exec 9>&-
  fi
  warn "postgres: FAILED: nothing answers at $where. Tried:"
  local t
  for t in "${TRIED[@]}"; do [[ $t == postgres:* ]] && warn "  - $t"; done
  [ -n "${PG_LOCAL_TRIED:-}" ] && [ -s "$DATA/postgres.log" ] && { warn "  last lines of $DATA/postgres.log:"; tail -n 5 "$DATA/postgres.log" | sed 's/^/    /' >&2; }
  return 1
}

# ---------------------------------------------------------------- Redis

redis_system_start() {
  [ $IS_ROOT = 1 ] || return 1
  [ "$REDIS_PORT" = 6379 ] || return 1 # the machine's service runs on the standard port
  command -v redis-server >/dev/null 2>&1 || return 1
  [ -d /var/lib/redis ] && [ -d /var/log/redis ] || return 1
  TRIED+=("redis: system-style redis-server on port $REDIS_PORT (dir /var/lib/redis)")
  log "  starting the system Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log </dev/null >/dev/null 2>&1 || true
  wait_for redis_answers
}

redis_local_start() {
  local conf="$DATA/redis.conf" bind
  TRIED+=("redis: project-local instance in $DATA/redis (log: $DATA/redis.log)")
  REDIS_LOCAL_TRIED=1
  mkdir -p "$DATA/redis"
  case $REDIS_HOST in
  localhost) bind="127.0.0.1 -::1" ;;
  *) bind=$REDIS_HOST ;;
  esac
  {
    echo "# written by scripts/ensure-services.sh at every start"
    echo "daemonize yes"
    echo "port $REDIS_PORT"
    echo "bind $bind"
    echo "dir \"$DATA/redis\""
    echo "appendonly yes"
    echo "pidfile \"$DATA/redis.pid\""
    echo "logfile \"$DATA/redis.log\""
    [ -n "$REDIS_PASS" ] && [ -z "$REDIS_USER" ] && echo "requirepass \"$REDIS_PASS\""
  } >"$conf"
  # Running but not answering at the URL: it was started for another host/port.
  local pid i
  pid=$(cat "$DATA/redis.pid" 2>/dev/null)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
    log "  stopping the project-local redis-server (pid $pid) started for another address"
    kill "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  log "  redis-server ($(hp "$REDIS_HOST" "$REDIS_PORT"), dir $DATA/redis)"
  redis-server "$conf" </dev/null >>"$DATA/redis.log" 2>&1 8>&- 9>&- || warn "  redis-server failed; see $DATA/redis.log"
  wait_for redis_answers
}

ensure_redis() {
  local where reply
  where=$(hp "$REDIS_HOST" "$REDIS_PORT")
  reply=$(redis_reply)
  if [ "$reply" = PONG ]; then
    log "redis: ok at $where"
    return 0
  fi
  if [ -n "$reply" ]; then
    warn "redis: something answers at $where but replied '$reply' to PING (password in REDIS_URL?)"
    return 1
  fi
  if ! is_local "$REDIS_HOST"; then
    warn "redis: not reachable at $where (a remote host: start it there, or fix REDIS_URL)"
    return 1
  fi
  log "redis: not answering at $where; starting it"
  redis_system_start && { log "redis: ok at $where (system service started)"; return 0; }
  if ! command -v redis-server >/dev/null 2>&1; then
    TRIED+=("redis: apt-get install redis-server")
    if can_install; then
      apt_install redis-server || warn "  apt-get install redis-server failed"
      redis_answers && { log "redis: ok at $where (installed)"; return 0; }
      redis_system_start && { log "redis: ok at $where (installed, system service started)"; return 0; }
    else
      warn "  redis-server is not installed and this user cannot install it (needs root or sudo -n, and apt-get)"
    fi
  fi
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p "$DATA"
    { exec 8>"$DATA/.ensure-services-redis.lock"; } 2>/dev/null && flock -w 120 8
    redis_answers && { log "redis: ok at $where"; exec 8>&-; return 0; }
    redis_local_start && { log "redis: ok at $where (project-local instance in .data/redis)"; exec 8>&-; return 0; }
    exec 8>&-
  fi
  warn "redis: FAILED: nothing answers at $where. Tried:"
  local t
  for t in "${TRIED[@]}"; do [[ $t == redis:* ]] && warn "  - $t"; done
  [ -n "${REDIS_LOCAL_TRIED:-}" ] && [ -s "$DATA/redis.log" ] && { warn "  last lines of $DATA/redis.log:"; tail -n 5 "$DATA/redis.log" | sed 's/^/    /' >&2; }
  return 1
}

# ---------------------------------------------------------------- main

status=0
ensure_postgres || status=1
ensure_redis || status=1
exit $status
