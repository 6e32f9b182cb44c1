# Passes when Nginx sends new requests to the instance with the fewest active connections.
# The check makes api-1 slow (3 s per request, for 10 s), sends 15 requests 0.15 s apart
# through http://nginx/products, and puts api-1 back to normal. Round robin keeps feeding the
# slow api-1 its share (5 of 15, or 9 with weight=3); least_conn sees its open connections and
# sends almost everything to api-2 and api-3.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
# One request to $1; prints the instance that answered (from the JSON), or ERROR:<http status>.
ask() {
  local reply code
  reply=$(curl -s -m 8 -w '\n%{http_code}' "$1"); code=${reply##*$'\n'}
  if [ "$code" = 200 ] && [[ $reply =~ \"instance\":\ *\"([^\"]+)\" ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo "ERROR:$code"
  fi
}
delay() { curl -s -m 3 -X POST -H 'Content-Type: application/json' -d "$2" "http://$1:8000/admin/delay" >/dev/null; }

work=$(mktemp -d)
trap 'delay api-1 "{\"ms\": 0}"; rm -rf "$work"' EXIT
trap 'exit 1' TERM INT
delay api-1 '{"ms": 3000, "seconds": 10}' || fail "cannot reach api-1's shop on port 8000"
N=15
for i in $(seq 1 $N); do
  ask http://nginx/products > "$work/$i.out" &
  sleep 0.15
done
wait
answers=$(cat "$work"/*.out)
count() { printf '%s\n' "$answers" | grep -cx -- "$1"; }
n1=$(count api-1); n2=$(count api-2); n3=$(count api-3)
errors=$(printf '%s\n' "$answers" | grep -c '^ERROR')
seen="api-1=$n1 api-2=$n2 api-3=$n3 failed=$errors"
want="api-1 (the slow one) at most 3, the rest to api-2 and api-3, failed=0"

[ "$errors" = 0 ] || fail "$errors of $N requests through nginx failed" "$want" "$seen"
if [ "$n2" -lt 3 ] || [ "$n3" -lt 3 ]; then
  fail "api-2 and api-3 should share the requests api-1 is too busy for: is every request going to one instance (ip_hash, hash)?" "$want" "$seen"
fi
[ "$n1" -le 3 ] || fail "api-1 was busy (3 s per request) and still got $n1 of $N new requests: round robin ignores how busy an instance is; least_conn does not (is least_conn in the upstream that proxy_pass uses?)" \
  "$want" "$seen"
echo "Nginx sends new requests to the least busy instances: $seen while api-1 was slow"
