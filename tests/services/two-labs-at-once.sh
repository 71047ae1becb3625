#!/usr/bin/env bash
# Two labs started at once (scripts/services start into two folders) both come up. Each looks
# for free ports from the same numbers at the same moment, so both pick the same ones and the
# slower server of each pair finds its port taken when it binds: it must go on to another port,
# not fail with "did not accept connections". Each lab's URIs must then reach its own servers.
# Usage: two-labs-at-once.sh SERVICES (the scripts/services to test).
set -euo pipefail
services=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/two-labs.XXXXXX")
chmod 755 "$work" # PostgreSQL runs as its own user under root and must reach its folder
# TMPDIR: the labs' "last start" record stays here, not where someone's own lab keeps its own.
export TMPDIR=$work
password=syncscope-lab
cleanup() {
  local lab
  for lab in a b c; do
    [ -f "$work/$lab/env" ] && "$services" stop "$work/$lab" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "two-labs-at-once: $*" >&2
  for lab in a b; do
    echo "--- lab $lab stderr:" >&2
    cat "$work/$lab.err" >&2 || true
  done
  exit 1
}

"$services" start "$work/a" >"$work/a.out" 2>"$work/a.err" &
first=$!
"$services" start "$work/b" >"$work/b.out" 2>"$work/b.err" &
second=$!
wait "$first" || fail "lab a did not start"
wait "$second" || fail "lab b did not start"

port_of() { # port_of URI
  local p=${1##*:}
  echo "${p%%/*}"
}
declare -A ports
for lab in a b; do
  "$services" status "$work/$lab" >/dev/null || fail "lab $lab: a server is not running"
  # shellcheck disable=SC1090
  (
    . "$work/$lab/env"
    mariadb_port=$(mariadb --no-defaults --socket="$SYNCSCOPE_MARIADB_SOCKET" -uroot -N \
      -e 'SELECT @@port')
    [ "$mariadb_port" = "$(port_of "$SYNCSCOPE_MARIADB_URI")" ] ||
      fail "lab $lab: its MariaDB listens on $mariadb_port, not on its URI's port"
    pg_dir=$(PGPASSWORD=$password psql -h 127.0.0.1 -p "$(port_of "$SYNCSCOPE_POSTGRES_URI")" \
      -U syncscope -d syncscope -Atc 'SHOW data_directory')
    [ "$pg_dir" = "$work/$lab/postgresql" ] ||
      fail "lab $lab: its PostgreSQL URI reaches $pg_dir"
    redis_dir=$(redis-cli -p "$(port_of "$SYNCSCOPE_REDIS_URI")" --user syncscope \
      --pass "$password" --no-auth-warning config get dir | tail -n 1)
    [ "$redis_dir" = "$work/$lab/redis" ] || fail "lab $lab: its Redis URI reaches $redis_dir"
  ) || exit 1
  ports[$lab]=$(grep -o ':[0-9][0-9]*/' "$work/$lab/env" | tr -d ':/' | tr '\n' ' ')
done
[ "${ports[a]}" != "${ports[b]}" ] || fail "both labs report the ports ${ports[a]}"
moved=$(cat "$work/a.err" "$work/b.err" | grep -c 'was taken before the server bound it' || true)
echo "two-labs-at-once: both labs up (ports ${ports[a]}and ${ports[b]}); $moved server(s) moved to another port"

# A lab keeps its ports while a server is down: a lab started meanwhile must not take the
# killed server's port, or `revive` could not start it again where its clients look for it.
"$services" kill redis "$work/a" >/dev/null || fail "lab a: kill redis"
. "$work/a/env"
a_redis=$(port_of "$SYNCSCOPE_REDIS_URI")
"$services" start "$work/c" >"$work/c.out" 2>"$work/c.err" || fail "lab c did not start"
c_ports=$(grep -o ':[0-9][0-9]*/' "$work/c/env" | tr -d ':/' | tr '\n' ' ')
case " $c_ports " in
*" $a_redis "*) fail "lab c took port $a_redis of lab a's killed Redis (c: $c_ports)" ;;
esac
"$services" revive "$work/a" >/dev/null || fail "lab a: revive"
"$services" status "$work/a" >/dev/null || fail "lab a: a server is not running after revive"
"$services" stop "$work/c" >/dev/null
echo "two-labs-at-once: lab c (ports $c_ports) left lab a's killed Redis port $a_redis alone"
