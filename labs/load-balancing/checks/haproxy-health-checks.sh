# Passes when HAProxy checks every instance's health over HTTP and takes a failing one out of
# rotation. Reads HAProxy's own view from its statistics page (http://haproxy:8404/stats;csv):
# api-1..3 must be UP with an HTTP check that passes (L7OK). Then the check makes api-3 fail
# (its /health and every endpoint answer 503, for 40 s at most), waits up to 10 s for HAProxy to mark
# it DOWN, sends 30 requests through http://haproxy/products (none may fail, none may reach
# api-3), and puts api-3 back to normal.
STATS='http://haproxy:8404/stats;csv'
servers() { haproxy_servers "$STATS" api-1 api-2 api-3; }
recover() { curl -s -m 3 -X POST "http://api-3:8000/admin/recover" >/dev/null; }

haproxy_stats_ok "$STATS"

# 1. HAProxy's view: every instance UP under an HTTP health check (after a reload, the first
#    checks take a moment: wait for them).
for _ in $(seq 1 24); do
  servers; ok=0; settled=0
  for i in 1 2 3; do
    status=$(haproxy_field "api-$i" 2); check=$(haproxy_field "api-$i" 3)
    [ "$status" = UP ] && [ "$check" = L7OK ] && ok=$((ok + 1))
    # Nothing to wait for when a server is missing, unchecked, TCP-checked or plainly DOWN.
    case "$status|$check" in "|"*|"no check|"*|*"|L4OK"|"DOWN|"*) settled=1 ;; esac
  done
  [ "$ok" = 3 ] || [ "$settled" = 1 ] && break
  sleep 0.5
done
ok_l7=$(t "UP, check L7OK" "UP，检查结果 L7OK")
for i in 1 2 3; do
  s=api-$i; status=$(haproxy_field $s 2); check=$(haproxy_field $s 3); code=$(haproxy_field $s 4)
  [ -n "$status" ] ||
    fail "$s is not a server of the backend the frontend uses" "$s 不是 frontend 所用 backend 里的 server" \
      "server $s $s:8000 ... check" "$(t "(missing)" "（没有）")"
  case "$status" in
    "no check"|"")
      fail "HAProxy does not health-check $s: add \`check\` to its server line (or a \`default-server check ...\` line)" \
        "HAProxy 没有对 $s 做健康检查：在它的 server 行加上 \`check\`（或者加一行 \`default-server check ...\`）" \
        "$s $ok_l7" "$s $status" ;;
  esac
  case "$check" in
    L4OK)
      fail "HAProxy only opens a TCP connection to $s: an instance that accepts connections but answers errors still passes. Check /health over HTTP: option httpchk GET /health" \
        "HAProxy 对 $s 只是建立一个 TCP 连接：能接受连接却只会返回错误的实例照样能通过。改用 HTTP 检查 /health：option httpchk GET /health" \
        "$s $(t "check L7OK (HTTP)" "检查结果 L7OK（HTTP）")" "$s $(t "check L4OK (TCP only)" "检查结果 L4OK（只有 TCP）")" ;;
    L7OK)
      [ "$status" = UP ] ||
        fail "$s passes its health check but is $status: wait a few seconds and check again" \
          "$s 通过了健康检查，但状态是 $status：等几秒再检查" "$s UP" "$s $status" ;;
    *)
      fail "$s fails its health check ($check${code:+, HTTP $code}): does the check ask a path the shop has? (curl http://$s:8000/health)" \
        "$s 没有通过健康检查（$check${code:+，HTTP $code}）：检查请求的路径商城真的有吗？（curl http://$s:8000/health）" \
        "$s $ok_l7" "$s $status, check $check${code:+ $code}" ;;
  esac
done

# 2. Make api-3 fail for real (for 40 s at most, whatever happens to this check).
trap recover EXIT
trap 'exit 1' TERM INT
curl -s -m 3 -X POST -H 'Content-Type: application/json' -d '{"seconds": 40}' http://api-3:8000/admin/fail >/dev/null ||
  fail "cannot reach api-3's shop on port 8000" "连不上 api-3 上 8000 端口的商城"
t0=$(date +%s%N)
for _ in $(seq 1 40); do
  servers; status=$(haproxy_field api-3 2)
  case "$status" in DOWN*) break ;; esac
  sleep 0.25
done
case "$status" in
  DOWN*) ms=$((($(date +%s%N) - t0) / 1000000)); took="$((ms / 1000)).$((ms % 1000 / 100)) s" ;;
  *) fail "api-3 has failed its /health for 10 s and HAProxy still counts it as $status: check more often (e.g. default-server check inter 1s fall 2 rise 2)" \
       "api-3 的 /health 已经失败了 10 秒，HAProxy 仍然认为它是 $status：检查得再频繁一些（例如 default-server check inter 1s fall 2 rise 2）" \
       "api-3 DOWN" "api-3 $status" ;;
esac

# 3. Traffic while api-3 is down (30 requests, a new one every 0.1 s, so that they all fall
#    within its failure even on a busy machine): nothing fails, nothing reaches api-3.
lb_send http://haproxy/products 30 0.1
seen=$(lb_seen api-1 api-2 api-3)
n1=$(lb_count api-1); n2=$(lb_count api-2); n3=$(lb_count api-3)
[ "$LB_ERRORS" = 0 ] && [ "$n3" = 0 ] ||
  fail "while api-3 was failing, $LB_ERRORS requests failed and $n3 reached api-3" \
    "api-3 故障期间，有 $LB_ERRORS 个请求失败，$n3 个请求发到了 api-3" "failed=0, api-3=0" "$seen"
[ "$n1" -ge 10 ] && [ "$n2" -ge 10 ] ||
  fail "api-1 and api-2 should share the traffic while api-3 is down" "api-3 停机期间，api-1 和 api-2 应该分担流量" \
    "$(t "about 15 each" "每个约 15 个")" "$seen"
pass "HAProxy health-checks /health over HTTP: api-3 was out of rotation $took after it began failing; 30 requests met no error ($seen); api-3 is back to normal" \
  "HAProxy 通过 HTTP 检查 /health：api-3 开始故障后 $took 就被移出了轮询；30 个请求没有一个出错（$seen）；api-3 已恢复正常"
