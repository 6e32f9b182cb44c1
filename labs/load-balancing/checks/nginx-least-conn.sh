# Passes when Nginx sends new requests to the instance with the fewest active connections.
# The check makes api-1 slow (3 s per request, until it ends), sends 15 requests 0.15 s apart
# through http://nginx/products, and puts api-1 back to normal. Round robin keeps feeding the
# slow api-1 its share (5 of 15, or 9 with weight=3); least_conn sees its open connections and
# sends almost everything to api-2 and api-3.
delay() { curl -s -m 3 -X POST -H 'Content-Type: application/json' -d "$2" "http://$1:8000/admin/delay" >/dev/null; }

trap 'delay api-1 "{\"ms\": 0}"' EXIT
trap 'exit 1' TERM INT
delay api-1 '{"ms": 3000, "seconds": 30}' ||
  fail "cannot reach api-1's shop on port 8000" "连不上 api-1 上 8000 端口的商城"
N=15
lb_send http://nginx/products $N 0.15 8
seen=$(lb_seen api-1 api-2 api-3)
n1=$(lb_count api-1); n2=$(lb_count api-2); n3=$(lb_count api-3)
want=$(t "api-1 (the slow one) at most 3, the rest to api-2 and api-3, failed=0" \
  "api-1（慢的那个）最多 3 个，其余给 api-2 和 api-3，failed=0")

[ "$LB_ERRORS" = 0 ] ||
  fail "$LB_ERRORS of $N requests through nginx failed" "经过 nginx 的 $N 个请求里有 $LB_ERRORS 个失败" "$want" "$seen"
if [ "$n2" -lt 3 ] || [ "$n3" -lt 3 ]; then
  fail "api-2 and api-3 should share the requests api-1 is too busy for: is every request going to one instance (ip_hash, hash)?" \
    "api-1 忙不过来的请求应该由 api-2 和 api-3 分担：是不是所有请求都发给了同一个实例（ip_hash、hash）？" "$want" "$seen"
fi
[ "$n1" -le 3 ] ||
  fail "api-1 was busy (3 s per request) and still got $n1 of $N new requests: round robin ignores how busy an instance is; least_conn does not (is least_conn in the upstream that proxy_pass uses?)" \
    "api-1 正忙（每个请求 3 秒），却仍然拿到了 $N 个新请求中的 $n1 个：轮询不管实例忙不忙，least_conn 会看（least_conn 写在 proxy_pass 用的那个 upstream 里了吗？）" \
    "$want" "$seen"
pass "Nginx sends new requests to the least busy instances: $seen while api-1 was slow" \
  "Nginx 把新请求交给最不忙的实例：api-1 变慢期间 $seen"
