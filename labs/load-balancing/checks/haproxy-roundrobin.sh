# Passes when HAProxy spreads requests evenly over api-1, api-2 and api-3 (round robin): of 30
# requests through http://haproxy/products none fails, each instance answers about 10 (each
# answer names its instance), and each instance's own request counter confirms it served them.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
served() { curl -s -m 2 "http://$1:8000/admin/state" | jq -r '.served // 0' 2>/dev/null || echo 0; }
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
count() { printf '%s\n' "$answers" | grep -cx -- "$1"; }

N=30
before=(); for i in 1 2 3; do before[i]=$(served "api-$i"); done
answers=$(through http://haproxy/products $N)
n1=$(count api-1); n2=$(count api-2); n3=$(count api-3)
errors=$(printf '%s\n' "$answers" | grep -c '^ERROR')
seen="api-1=$n1 api-2=$n2 api-3=$n3 failed=$errors"

[ "$errors" -lt $N ] || fail "none of $N requests through haproxy was answered by the shop: add the three instances as servers of backend shop (balance roundrobin), then reload" \
  "answers from api-1, api-2 and api-3" "$(printf '%s\n' "$answers" | sort | uniq -c | head -3 | xargs)"
[ "$errors" = 0 ] || fail "$errors of $N requests through haproxy failed" "failed=0" "$seen"
for i in 1 2 3; do
  n=$(count "api-$i")
  [ "$n" -gt 0 ] || fail "api-$i never answered: is it a server of the backend, and is the balance method roundrobin (balance source sends one client to one server)?" \
    "about 10 each" "$seen"
done
for i in 1 2 3; do
  n=$(count "api-$i")
  if [ "$n" -lt 7 ] || [ "$n" -gt 13 ]; then
    fail "the requests are not spread evenly (round robin gives each instance about a third)" "about 10 each" "$seen"
  fi
  after=$(served "api-$i")
  [ $((after - before[i])) -ge "$n" ] || fail "answers name api-$i, but api-$i itself served only $((after - before[i])) requests: is something other than the shop answering?"
done
echo "HAProxy spreads requests round robin: $seen"
