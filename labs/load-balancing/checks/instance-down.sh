# Passes when api-3's shop process is really stopped (its port refuses connections), HAProxy's
# health checks have marked it DOWN while api-1 and api-2 stay UP, and 30 requests through
# http://haproxy/products all succeed without reaching api-3.
STATS='http://haproxy:8404/stats;csv'

# 1. api-3 is down for real: nothing listens on its port 8000.
if http_fetch http://api-3:8000/health 2; then
  state=$(printf '%s' "$HTTP_BODY" | jq -r '.status // "an answer"' 2>/dev/null)
  fail "api-3 still answers (status: ${state:-an answer}): stop its shop process (on the api-3 tab: shopctl stop; a plain kill is restarted by its supervisor)" \
    "api-3 仍在响应（status：${state:-有回答}）：停掉它的商城进程（在 api-3 标签页执行 shopctl stop；直接 kill 会被守护脚本重新拉起）" \
    "$(t "api-3:8000 refuses connections" "api-3:8000 拒绝连接")" "$(t "api-3 answers /health" "api-3 响应了 /health")"
fi
for i in 1 2; do
  curl -s -m 2 -o /dev/null "http://api-$i:8000/health" ||
    fail "api-$i is down too: only api-3 should be stopped (on the api-$i tab: shopctl start)" \
      "api-$i 也停了：只应该停掉 api-3（在 api-$i 标签页执行 shopctl start）" \
      "$(t "api-$i running" "api-$i 在运行")" "$(t "api-$i down" "api-$i 已停止")"
done

# 2. HAProxy noticed: api-3 DOWN, the others UP (give the health checks up to 10 s).
haproxy_stats_ok "$STATS"
for _ in $(seq 1 40); do
  haproxy_servers "$STATS" api-1 api-2 api-3
  case "$(haproxy_field api-3 2)" in DOWN*) break ;; esac
  sleep 0.25
done
status=$(haproxy_field api-3 2)
case "$status" in
  DOWN*) ;;
  "no check"|"")
    fail "HAProxy does not health-check api-3, so it keeps sending it requests" \
      "HAProxy 没有对 api-3 做健康检查，所以会一直把请求发给它" "api-3 DOWN" "api-3 ${status:-$(t "missing" "没有")}" ;;
  *) fail "api-3 has been down for a while and HAProxy still counts it as $status" \
       "api-3 已经停了一阵子，HAProxy 仍然认为它是 $status" "api-3 DOWN" "api-3 $status" ;;
esac
for i in 1 2; do
  [ "$(haproxy_field api-$i 2)" = UP ] ||
    fail "api-$i should be UP in HAProxy's view" "在 HAProxy 看来 api-$i 应该是 UP" "api-$i UP" "api-$i $(haproxy_field api-$i 2)"
done

# 3. Traffic: nothing fails, nothing reaches api-3.
lb_send http://haproxy/products 30
seen=$(lb_seen api-1 api-2 api-3)
n1=$(lb_count api-1); n2=$(lb_count api-2); n3=$(lb_count api-3)
[ "$LB_ERRORS" = 0 ] && [ "$n3" = 0 ] ||
  fail "with api-3 stopped, $LB_ERRORS of 30 requests failed" "api-3 停掉之后，30 个请求里有 $LB_ERRORS 个失败" \
    "failed=0, api-3=0" "$seen"
[ "$n1" -ge 10 ] && [ "$n2" -ge 10 ] ||
  fail "api-1 and api-2 should share the traffic" "api-1 和 api-2 应该分担流量" "$(t "about 15 each" "每个约 15 个")" "$seen"
pass "api-3 is stopped, HAProxy marked it DOWN, and 30 requests met no error: $seen" \
  "api-3 已停止，HAProxy 把它标记为 DOWN，30 个请求没有一个出错：$seen"
