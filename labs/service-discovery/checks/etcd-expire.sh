# Passes when shop-2 is really down (nothing answers on shop-2:8000), its key is gone from etcd
# while shop-1's and shop-3's stay, and shop-client — still following etcd — has dropped it:
# its targets are shop-1 and shop-3, no request failed in the last 3 s, and both live shops'
# own request counters grow.

if curl -s -m 2 -o /dev/null http://shop-2:8000/health; then
  fail "shop-2 still answers on port 8000: crash it (ssh shop-2 nodectl crash)" \
    "shop-2 的 8000 端口仍有响应：让它崩溃（ssh shop-2 nodectl crash）"
fi
left=$(etcdctl get /services/shop/shop-2 --print-value-only)
if [ -n "$left" ]; then
  lease=$(etcdctl get /services/shop/shop-2 -w json | grep -o '"lease":[0-9]*' | cut -d: -f2)
  if [ -z "$lease" ] || [ "$lease" = 0 ]; then
    fail "shop-2 is dead but /services/shop/shop-2 has no lease: it will never go away" \
      "shop-2 已经死了，可 /services/shop/shop-2 没有租约：它永远不会消失"
  fi
  ttl=$(etcdctl lease timetolive "$(printf '%x' "$lease")" -w json | grep -o '"ttl":-\?[0-9]*' | cut -d: -f2)
  fail "shop-2 is dead but still registered (its lease has ${ttl:-?} s left): if it is still there after one TTL, something other than shop-2 keeps its lease alive" \
    "shop-2 已经死了，却仍然注册着（租约还剩 ${ttl:-?} 秒）：如果过了一个 TTL 还在，说明是 shop-2 以外的进程在给它续租" \
    "no key /services/shop/shop-2" "/services/shop/shop-2 = $left"
fi
for h in shop-1 shop-3; do
  [ -n "$(etcdctl get "/services/shop/$h" --print-value-only)" ] ||
    fail "$h is no longer registered in etcd: only shop-2 was to go" "$h 已经不在 etcd 里了：应该只有 shop-2 消失"
done

client_calls_only etcd "shop-1 shop-3" "start it again (ssh client shop-client etcd --background)" \
  "请重新启动它（ssh client shop-client etcd --background）"
pass "shop-2 crashed, its lease expired and took the key with it, and shop-client now calls only shop-1 and shop-3" \
  "shop-2 崩溃后租约到期，键随之删除，shop-client 现在只调用 shop-1 和 shop-3"
