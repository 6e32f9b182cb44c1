# Passes when Nginx weighs api-1 three times as heavily as api-2 and api-3: of 30 requests
# through http://nginx/products none fails and the answers split about 18:6:6 (weighted round
# robin), confirmed by each instance's own request counter.
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
answers=$(through http://nginx/products $N)
n1=$(count api-1); n2=$(count api-2); n3=$(count api-3)
errors=$(printf '%s\n' "$answers" | grep -c '^ERROR')
seen="api-1=$n1 api-2=$n2 api-3=$n3 failed=$errors"
want="api-1≈18 api-2≈6 api-3≈6 failed=0"

[ "$errors" = 0 ] || fail "$errors of $N requests through nginx failed (nginx -t shows errors in the configuration)" "$want" "$seen"
[ "$n2" -gt 0 ] && [ "$n3" -gt 0 ] || fail "api-2 or api-3 got no traffic at all: a weight shifts the share, it does not remove servers" "$want" "$seen"
if [ "$n1" -lt 14 ] || [ "$n1" -gt 22 ]; then
  if [ "$n2" -gt "$n1" ] || [ "$n3" -gt "$n1" ]; then
    fail "another instance gets more traffic than api-1: is weight=3 on the right server line?" "$want" "$seen"
  fi
  fail "api-1 should get about 3/5 of the requests (weight=3 against 1 and 1)" "$want" "$seen"
fi
for n in "$n2" "$n3"; do
  if [ "$n" -lt 3 ] || [ "$n" -gt 9 ]; then fail "api-2 and api-3 should get about 1/5 each" "$want" "$seen"; fi
done
for i in 1 2 3; do
  after=$(served "api-$i"); n=$(count "api-$i")
  [ $((after - before[i])) -ge "$n" ] || fail "answers name api-$i, but api-$i itself served only $((after - before[i])) requests: is something other than the shop answering?"
done
echo "Nginx weighs api-1 3:1:1: $seen"
