# Passes when api is attached to both frontnet and backnet and reaches front-web (HTTP) and
# back-db (Redis) by name, while front-web and back-db still cannot reach each other (by name or
# at any of their addresses) and stay on their own networks only.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
# One inspect for all containers (each docker call costs a few tenths of a second):
# a line "/NAME STATUS NETWORK=IP ..." per existing container.
snapshot=$(docker container inspect api front-web back-db --format \
  '{{.Name}} {{.State.Status}} {{range $n, $v := .NetworkSettings.Networks}}{{$n}}={{$v.IPAddress}} {{end}}' 2>/dev/null)
line() { echo "$snapshot" | grep "^/$1 "; }
state() { line "$1" | cut -d' ' -f2; }
nets() { line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f1 | xargs; }
ips() { line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f2 | xargs; }
on() { case " $(nets "$1") " in *" $2 "*) return 0 ;; esac; return 1; }
# Tries a TCP connection to each HOST:PORT argument (in parallel, 3 s each); prints "HOST:PORT open|closed".
PROBE='for t in "$@"; do
  ( if timeout 3 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>/dev/null; then echo "$t open"; else echo "$t closed"; fi ) &
done; wait'
open() { grep -qx "$2 open" "$tmp/$1"; }

for c in api front-web back-db; do
  s=$(state "$c")
  [ "$s" = running ] || fail "there is no running container named $c" "running" "${s:-no container}"
done
fw_ips=$(ips front-web)
db_ips=$(ips back-db)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
docker exec api bash -c "$PROBE" probe front-web:80 back-db:6379 >"$tmp/api" 2>&1 &
docker exec front-web bash -c "$PROBE" probe back-db:6379 $(printf '%s:6379 ' $db_ips) >"$tmp/front-web" 2>/dev/null &
docker exec back-db bash -c "$PROBE" probe front-web:80 $(printf '%s:80 ' $fw_ips) >"$tmp/back-db" 2>/dev/null &
wait
for t in back-db:6379 $(printf '%s:6379 ' $db_ips); do
  open front-web "$t" && fail "front-web reaches back-db at $t: only api should span both networks" \
    "back-db on backnet only" "back-db on: $(nets back-db)"
done
for t in front-web:80 $(printf '%s:80 ' $fw_ips); do
  open back-db "$t" && fail "back-db reaches front-web at $t: only api should span both networks" \
    "front-web on frontnet only" "front-web on: $(nets front-web)"
done
for n in frontnet backnet; do
  on api "$n" || fail "api is not attached to $n (docker network connect $n api)" "frontnet backnet" "$(nets api)"
done
# A container just connected may need a moment: retry api's side (the part that must succeed).
for _ in 1 2; do
  open api front-web:80 && open api back-db:6379 && break
  sleep 1
  docker exec api bash -c "$PROBE" probe front-web:80 back-db:6379 >"$tmp/api" 2>&1
done
open api front-web:80 || fail "api cannot reach front-web by name (port 80)" "front-web:80 open" "$(grep front-web "$tmp/api" || cat "$tmp/api")"
open api back-db:6379 || fail "api cannot reach back-db by name (port 6379)" "back-db:6379 open" "$(grep back-db "$tmp/api" || cat "$tmp/api")"
[ "$(nets front-web)" = frontnet ] || fail "front-web should stay on frontnet only" "frontnet" "$(nets front-web)"
[ "$(nets back-db)" = backnet ] || fail "back-db should stay on backnet only" "backnet" "$(nets back-db)"
echo "api reaches front-web and back-db by name; front-web and back-db still cannot reach each other"
