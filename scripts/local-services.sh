#!/usr/bin/env bash
# Makes sure the servers edoc needs run on this machine before `npm start`: PostgreSQL on
# 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 with its management API on 15672. What already
# answers is left alone. On Debian or Ubuntu, what is missing is installed with apt and started;
# elsewhere it says what to install. With EDOC_DATABASE_URL or EDOC_AMQP_URL pointing at another
# host, that server is yours to run and is not touched.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bash scripts/local-services.sh [--check]

Makes sure PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672, management API on 15672)
run here, for `npm start` and the tests. Whatever already answers is left alone.
On Debian/Ubuntu it installs what is missing (apt-get, as root or through sudo) and starts it:
  postgresql       a fresh install lets the user postgres in from 127.0.0.1 without a password
                   (a line added to pg_hba.conf), as edoc's default EDOC_DATABASE_URL expects;
  rabbitmq-server  started with a raised open-file limit, management plugin enabled.
Elsewhere it stops and names what to install. --check only reports, changes nothing.
Servers on another host (EDOC_DATABASE_URL, EDOC_AMQP_URL) are not touched.
EOF
}

CHECK_ONLY=false
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  --check) CHECK_ONLY=true ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

# Where this machine keeps things; the test of this script points them at a scratch folder.
PG_PORT="${EDOC_LOCAL_PG_PORT:-5432}"
AMQP_PORT="${EDOC_LOCAL_AMQP_PORT:-5672}"
MANAGEMENT_PORT="${EDOC_LOCAL_MANAGEMENT_PORT:-15672}"
PG_ETC="${EDOC_LOCAL_PG_ETC:-/etc/postgresql}"
LIMITS_DIR="${EDOC_LOCAL_LIMITS_DIR:-/etc/security/limits.d}"
WAIT_SECONDS="${EDOC_LOCAL_WAIT_SECONDS:-60}"

say() { printf 'edoc: %s\n' "$*" >&2; }

# A URL's host, or "local" when it is this machine (or the variable is not set).
host_of() {
  local url="${1:-}"
  [ -z "$url" ] && { echo local; return; }
  local rest="${url#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; rest="${rest%%\?*}"; rest="${rest%:*}"
  case "$rest" in 127.0.0.1 | localhost | '[::1]' | '') echo local ;; *) echo "$rest" ;; esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

management_up() {
  node -e "fetch('http://127.0.0.1:${MANAGEMENT_PORT}/api/overview', { headers: { authorization: 'Basic ' + btoa('guest:guest') }, signal: AbortSignal.timeout(3000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
}

wait_for() {
  local what="$1"; shift
  for _ in $(seq 1 "$WAIT_SECONDS"); do "$@" && return 0; sleep 1; done
  say "$what did not answer within ${WAIT_SECONDS} s"
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "needs root to run: $*  (run this script as root, or install sudo)"; return 1
  fi
}

want_pg=false
want_rabbit=false
[ "$(host_of "${EDOC_DATABASE_URL:-}")" = local ] && ! port_open "$PG_PORT" && want_pg=true
if [ "$(host_of "${EDOC_AMQP_URL:-}")" = local ]; then
  if ! port_open "$AMQP_PORT" || ! management_up; then want_rabbit=true; fi
fi
if ! $want_pg && ! $want_rabbit; then exit 0; fi

missing=()
$want_pg && missing+=("PostgreSQL on 127.0.0.1:${PG_PORT}")
$want_rabbit && missing+=("RabbitMQ on 127.0.0.1:${AMQP_PORT} with its management API on ${MANAGEMENT_PORT}")
if $CHECK_ONLY; then
  say "not running: $(IFS=';'; echo "${missing[*]}")"
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  say "not running: $(IFS=';'; echo "${missing[*]}")."
  say "This is not a Debian or Ubuntu machine, so install and start them yourself:"
  say "  PostgreSQL 15 or later, with the user postgres allowed in from 127.0.0.1 (or set EDOC_DATABASE_URL);"
  say "  RabbitMQ 3.10 or later with the plugin rabbitmq_management (rabbitmq-plugins enable rabbitmq_management),"
  say "  its user guest/guest on 127.0.0.1 (or set EDOC_AMQP_URL and EDOC_RABBITMQ_MANAGEMENT_URL)."
  say "Then run npm start again."
  exit 1
fi

packages=()
fresh_pg=false
if $want_pg && ! command -v pg_ctlcluster >/dev/null; then packages+=(postgresql); fresh_pg=true; fi
if $want_rabbit && ! command -v rabbitmq-server >/dev/null; then packages+=(rabbitmq-server); fi
if [ "${#packages[@]}" -gt 0 ]; then
  say "installing ${packages[*]} with apt-get (a few minutes the first time)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if $want_pg; then
  version="$(ls "$PG_ETC" 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$version" ] || { say "PostgreSQL is installed but has no cluster under $PG_ETC"; exit 1; }
  if $fresh_pg; then
    # A cluster apt has just made holds nothing yet: let the demo's user in from loopback, as
    # edoc's default EDOC_DATABASE_URL (postgres://postgres@127.0.0.1:5432/edoc) expects.
    hba="$PG_ETC/$version/main/pg_hba.conf"
    say "letting the user postgres in from 127.0.0.1 without a password ($hba)"
    { printf '# added by edoc (scripts/local-services.sh) for the demo district\nhost all postgres 127.0.0.1/32 trust\n'; as_root cat "$hba"; } > "${TMPDIR:-/tmp}/edoc-pg_hba.conf"
    as_root cp "${TMPDIR:-/tmp}/edoc-pg_hba.conf" "$hba"
    rm -f "${TMPDIR:-/tmp}/edoc-pg_hba.conf"
  fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  wait_for "PostgreSQL" port_open "$PG_PORT"
fi

if $want_rabbit; then
  if ! port_open "$AMQP_PORT"; then
    # Each test file gets a vhost of some fifty quorum queues: more than the default 1024 open
    # files. rabbitmq-server drops to the rabbitmq user through su, whose PAM session applies
    # limits.d (not above our own hard limit, which a container may cap).
    limit=$(ulimit -Hn); [ "$limit" = unlimited ] || [ "$limit" -gt 65536 ] && limit=65536
    printf 'rabbitmq soft nofile %s\nrabbitmq hard nofile %s\n' "$limit" "$limit" | as_root tee "$LIMITS_DIR/rabbitmq-edoc.conf" >/dev/null
    say "starting RabbitMQ"
    as_root rabbitmq-server -detached
    wait_for "RabbitMQ" port_open "$AMQP_PORT"
  fi
  say "enabling RabbitMQ's management plugin"
  as_root rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null
  wait_for "RabbitMQ's management API" management_up
fi
say "PostgreSQL and RabbitMQ are running"
