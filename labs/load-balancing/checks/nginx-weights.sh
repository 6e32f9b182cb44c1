# Passes when Nginx weighs api-1 three times as heavily as api-2 and api-3: of 30 requests
# through http://nginx/products none fails and the answers split about 18:6:6 (weighted round
# robin), confirmed by each instance's own request counter.
N=30
shop_snapshot api-1 api-2 api-3
lb_send http://nginx/products $N
seen=$(lb_seen api-1 api-2 api-3)
n1=$(lb_count api-1); n2=$(lb_count api-2); n3=$(lb_count api-3)
want="api-1≈18 api-2≈6 api-3≈6 failed=0"

[ "$LB_ERRORS" = 0 ] ||
  fail "$LB_ERRORS of $N requests through nginx failed (nginx -t shows errors in the configuration)" \
    "经过 nginx 的 $N 个请求里有 $LB_ERRORS 个失败（nginx -t 可以显示配置里的错误）" "$want" "$seen"
[ "$n2" -gt 0 ] && [ "$n3" -gt 0 ] ||
  fail "api-2 or api-3 got no traffic at all: a weight shifts the share, it does not remove servers" \
    "api-2 或 api-3 完全没有收到流量：权重只改变分配比例，并不会去掉服务器" "$want" "$seen"
if [ "$n1" -lt 14 ] || [ "$n1" -gt 22 ]; then
  if [ "$n2" -gt "$n1" ] || [ "$n3" -gt "$n1" ]; then
    fail "another instance gets more traffic than api-1: is weight=3 on the right server line?" \
      "有别的实例比 api-1 收到的流量还多：weight=3 写在正确的 server 行上了吗？" "$want" "$seen"
  fi
  fail "api-1 should get about 3/5 of the requests (weight=3 against 1 and 1)" \
    "api-1 应该得到约 3/5 的请求（权重 3 对 1 和 1）" "$want" "$seen"
fi
for n in "$n2" "$n3"; do
  if [ "$n" -lt 3 ] || [ "$n" -gt 9 ]; then
    fail "api-2 and api-3 should get about 1/5 each" "api-2 和 api-3 应该各得约 1/5" "$want" "$seen"
  fi
done
shop_confirm_served api-1 api-2 api-3
pass "Nginx weighs api-1 3:1:1: $seen" "Nginx 按 3:1:1 给 api-1 加权：$seen"
