# Passes when shop-3 is really down, ZooKeeper has deleted its ephemeral znode (its session
# expired) while shop-1's and shop-2's stay, and shop-client follows ZooKeeper: its targets are
# shop-1 and shop-2, no request failed in the last 3 s, and both live shops' counters grow.

if curl -s -m 2 -o /dev/null http://shop-3:8000/health; then
  fail "shop-3 still answers on port 8000: crash it (ssh shop-3 nodectl crash)" \
    "shop-3 的 8000 端口仍有响应：让它崩溃（ssh shop-3 nodectl crash）"
fi
nodes=$(zk nodes /services/shop 2>/dev/null) || fail "cannot read /services/shop from ZooKeeper" "读不到 ZooKeeper 的 /services/shop"
if jq -e 'map(select(.data == "shop-3:8000")) | length > 0' <<<"$nodes" >/dev/null; then
  fail "shop-3 is dead but its znode is still there: its session has not expired yet (check again in a few seconds), or the znode is persistent" \
    "shop-3 已经死了，它的 znode 却还在：会话还没过期（过几秒再检查），或者它是持久节点"
fi
for h in shop-1 shop-2; do
  jq -e --arg a "$h:8000" 'map(select(.data == $a and .ephemeralOwner != "0x0")) | length == 1' <<<"$nodes" >/dev/null ||
    fail "$h no longer has its ephemeral znode: only shop-3 was to go (sd-register zk on $h)" \
      "$h 的临时节点不见了：应该只有 shop-3 消失（在 $h 上运行 sd-register zk）"
done

client_calls_only zk "shop-1 shop-2" "start it on ZooKeeper (ssh client shop-client zk --background)" \
  "以 ZooKeeper 模式启动它（ssh client shop-client zk --background）"
pass "shop-3's session expired, ZooKeeper deleted its znode, and the watching client now calls only shop-1 and shop-2" \
  "shop-3 的会话过期，ZooKeeper 删除了它的节点，watch 着的客户端现在只调用 shop-1 和 shop-2"
