# Passes when api-3's shop process is really stopped (its port refuses connections), HAProxy's
# health checks have marked it DOWN while api-1 and api-2 stay UP, and 30 requests through
# http://haproxy/products all succeed without reaching api-3.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }
# One line per shop server of the backend in use: "api-N|status|check_status|check_code".
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

# 1. api-3 is down for real: nothing listens on its port 8000.
reply=$(curl -s -m 2 http://api-3:8000/health); rc=$?
if [ "$rc" = 0 ]; then
  state=$(printf '%s' "$reply" | jq -r '.status // "an answer"' 2>/dev/null)
  fail "api-3 still answers (status: ${state:-an answer}): stop its shop process (on the api-3 tab: shopctl stop; a plain kill is restarted by its supervisor)" \
    "api-3:8000 refuses connections" "api-3 answers /health"
fi
for i in 1 2; do
  curl -s -m 2 -o /dev/null "http://api-$i:8000/health" ||
    fail "api-$i is down too: only api-3 should be stopped (on the api-$i tab: shopctl start)" "api-$i running" "api-$i down"
done

# 2. HAProxy noticed: api-3 DOWN, the others UP (give the health checks up to 10 s).
curl -s -m 3 -o /dev/null 'http://haproxy:8404/stats;csv' ||
  fail "cannot read HAProxy's statistics at http://haproxy:8404/stats: keep the \`listen stats\` section of haproxy.cfg"
for _ in $(seq 1 40); do
  rows=$(servers)
  case "$(field api-3 2)" in DOWN*) break ;; esac
  sleep 0.25
done
status=$(field api-3 2)
case "$status" in
  DOWN*) ;;
  "no check"|"") fail "HAProxy does not health-check api-3, so it keeps sending it requests" "api-3 DOWN" "api-3 ${status:-missing}" ;;
  *) fail "api-3 has been down for a while and HAProxy still counts it as $status" "api-3 DOWN" "api-3 $status" ;;
esac
for i in 1 2; do
  [ "$(field api-$i 2)" = UP ] || fail "api-$i should be UP in HAProxy's view" "api-$i UP" "api-$i $(field api-$i 2)"
done

# 3. Traffic: nothing fails, nothing reaches api-3.
answers=$(through http://haproxy/products 30)
count() { printf '%s\n' "$answers" | grep -cx -- "$1"; }
n1=$(count api-1); n2=$(count api-2); n3=$(count api-3); errors=$(printf '%s\n' "$answers" | grep -c '^ERROR')
seen="api-1=$n1 api-2=$n2 api-3=$n3 failed=$errors"
[ "$errors" = 0 ] && [ "$n3" = 0 ] || fail "with api-3 stopped, $errors of 30 requests failed" "failed=0, api-3=0" "$seen"
[ "$n1" -ge 10 ] && [ "$n2" -ge 10 ] || fail "api-1 and api-2 should share the traffic" "about 15 each" "$seen"
echo "api-3 is stopped, HAProxy marked it DOWN, and 30 requests met no error: $seen"
