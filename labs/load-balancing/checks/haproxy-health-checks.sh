# Passes when HAProxy checks every instance's health over HTTP and takes a failing one out of
# rotation. Reads HAProxy's own view from its statistics page (http://haproxy:8404/stats;csv):
# api-1..3 must be UP with an HTTP check that passes (L7OK). Then the check makes api-3 fail
# (its /health and every endpoint answer 503, for 20 s), waits up to 10 s for HAProxy to mark
# it DOWN, sends 30 requests through http://haproxy/products (none may fail, none may reach
# api-3), and puts api-3 back to normal.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }
# One line per shop server of the backend in use: "api-N|status|check_status|check_code".
# Servers are recognised by name or by address; the backend in use is the one with the most
# sessions (the frontend sends its traffic there).
servers() {
  curl -s -m 3 'http://haproxy:8404/stats;csv' | awk -F, -v ips="$ips" '
    BEGIN { n = split(ips, pairs, " "); for (k = 1; k <= n; k++) { split(pairs[k], kv, "="); host[kv[1]] = kv[2] } }
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $2 == "BACKEND" { stot[$1] = $col["stot"]; next }
    $2 == "FRONTEND" { next }
    { name = ""; if ($2 ~ /^api-[123]$/) name = $2
      else { addr = $col["addr"]; sub(/:[0-9]+$/, "", addr); if (addr in host) name = host[addr] }
      if (name != "") rows[$1] = rows[$1] name "|" $col["status"] "|" $col["check_status"] "|" $col["check_code"] "\n" }
    END { best = ""; for (p in rows) if (best == "" || stot[p] + 0 > stot[best] + 0) best = p; printf "%s", rows[best] }'
}
# One request to $1; prints the instance that answered (from the JSON), or ERROR:<http status>.
ask() {
  local reply code
  reply=$(curl -s -m 5 -w '\n%{http_code}' "$1"); code=${reply##*$'\n'}
  if [ "$code" = 200 ] && [[ $reply =~ \"instance\":\ *\"([^\"]+)\" ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo "ERROR:$code"
  fi
}
# Sends $2 requests to $1, one answer per line.
through() { for _ in $(seq 1 "$2"); do ask "$1"; done; }
ips=$(for i in 1 2 3; do printf '%s=api-%s ' "$(ip_of api-$i)" "$i"; done)
field() { printf '%s\n' "$rows" | awk -F'|' -v s="$1" -v f="$2" '$1 == s { print $f; exit }'; }
recover() { curl -s -m 3 -X POST "http://api-3:8000/admin/recover" >/dev/null; }

curl -s -m 3 -o /dev/null 'http://haproxy:8404/stats;csv' ||
  fail "cannot read HAProxy's statistics at http://haproxy:8404/stats: keep the \`listen stats\` section of haproxy.cfg"

# 1. HAProxy's view: every instance UP under an HTTP health check (after a reload, the first
#    checks take a moment: wait for them).
for _ in $(seq 1 24); do
  rows=$(servers); ok=0; settled=0
  for i in 1 2 3; do
    status=$(field "api-$i" 2); check=$(field "api-$i" 3)
    [ "$status" = UP ] && [ "$check" = L7OK ] && ok=$((ok + 1))
    # Nothing to wait for when a server is missing, unchecked, TCP-checked or plainly DOWN.
    case "$status|$check" in "|"*|"no check|"*|*"|L4OK"|"DOWN|"*) settled=1 ;; esac
  done
  [ "$ok" = 3 ] || [ "$settled" = 1 ] && break
  sleep 0.5
done
for i in 1 2 3; do
  s=api-$i; status=$(field $s 2); check=$(field $s 3); code=$(field $s 4)
  [ -n "$status" ] || fail "$s is not a server of the backend the frontend uses" "server $s $s:8000 ... check" "(missing)"
  case "$status" in
    "no check"|"") fail "HAProxy does not health-check $s: add \`check\` to its server line (or a \`default-server check ...\` line)" \
                      "$s UP, check L7OK" "$s $status" ;;
  esac
  case "$check" in
    L4OK) fail "HAProxy only opens a TCP connection to $s: an instance that accepts connections but answers errors still passes. Check /health over HTTP: option httpchk GET /health" \
            "$s check L7OK (HTTP)" "$s check L4OK (TCP only)" ;;
    L7OK) [ "$status" = UP ] || fail "$s passes its health check but is $status: wait a few seconds and check again" "$s UP" "$s $status" ;;
    *) fail "$s fails its health check ($check${code:+, HTTP $code}): does the check ask a path the shop has? (curl http://$s:8000/health)" \
         "$s UP, check L7OK" "$s $status, check $check${code:+ $code}" ;;
  esac
done

# 2. Make api-3 fail for real (for 20 s at most, whatever happens to this check).
trap recover EXIT
trap 'exit 1' TERM INT
curl -s -m 3 -X POST -H 'Content-Type: application/json' -d '{"seconds": 20}' http://api-3:8000/admin/fail >/dev/null ||
  fail "cannot reach api-3's shop on port 8000"
t0=$(date +%s%N)
for _ in $(seq 1 40); do
  rows=$(servers); status=$(field api-3 2)
  case "$status" in DOWN*) break ;; esac
  sleep 0.25
done
case "$status" in
  DOWN*) ms=$((($(date +%s%N) - t0) / 1000000)); took="$((ms / 1000)).$((ms % 1000 / 100)) s" ;;
  *) fail "api-3 has failed its /health for 10 s and HAProxy still counts it as $status: check more often (e.g. default-server check inter 1s fall 2 rise 2)" \
       "api-3 DOWN" "api-3 $status" ;;
esac

# 3. Traffic while api-3 is down: nothing fails, nothing reaches api-3.
answers=$(through http://haproxy/products 30)
count() { printf '%s\n' "$answers" | grep -cx -- "$1"; }
n1=$(count api-1); n2=$(count api-2); n3=$(count api-3); errors=$(printf '%s\n' "$answers" | grep -c '^ERROR')
seen="api-1=$n1 api-2=$n2 api-3=$n3 failed=$errors"
[ "$errors" = 0 ] && [ "$n3" = 0 ] || fail "while api-3 was failing, $errors requests failed and $n3 reached api-3" "failed=0, api-3=0" "$seen"
[ "$n1" -ge 10 ] && [ "$n2" -ge 10 ] || fail "api-1 and api-2 should share the traffic while api-3 is down" "about 15 each" "$seen"
echo "HAProxy health-checks /health over HTTP: api-3 was out of rotation $took after it began failing; 30 requests met no error ($seen); api-3 is back to normal"
