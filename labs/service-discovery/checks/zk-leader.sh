# Passes when the leader of shop-1 and shop-2 (the owner of the lowest sequence number) was
# crashed and the other one took over: exactly one of them is alive, its znode is now the
# lowest under /services/shop, and its own agent (sd-register zk, status on :8001) says it is
# the leader *after having been a follower* — so the one that crashed was the leader.
alive=""
for h in shop-1 shop-2; do
  curl -s -m 2 -o /dev/null "http://$h:8000/health" && alive+="$h "
done
alive=${alive% }
case "$alive" in
  "shop-1 shop-2") fail "shop-1 and shop-2 both still run: crash the leader, the instance with the lowest sequence number" \
    "shop-1 和 shop-2 都还在运行：让领导者（序号最小的实例）崩溃" ;;
  "") fail "neither shop-1 nor shop-2 runs: crash only the leader (nodectl start brings an instance back)" \
    "shop-1 和 shop-2 都没有运行：只应让领导者崩溃（nodectl start 可以恢复实例）" ;;
esac
survivor=$alive
status=$(curl -s -m 2 "http://$survivor:8001/") ||
  fail "$survivor's ZooKeeper agent does not answer on :8001: is sd-register zk running on it?" \
    "$survivor 的 ZooKeeper 代理在 :8001 上没有响应：它上面在运行 sd-register zk 吗？"
nodes=$(zk nodes /services/shop 2>/dev/null) || fail "cannot read /services/shop from ZooKeeper" "读不到 ZooKeeper 的 /services/shop"
lowest=$(jq -r 'map(select(.name | test("^instance-[0-9]{10}$"))) | sort_by(.name) | .[0].data // ""' <<<"$nodes")
if [ "$lowest" != "$survivor:8000" ]; then
  fail "the lowest sequence number under /services/shop is not $survivor's: the crashed leader's session has not expired yet (check again in a few seconds)" \
    "/services/shop 下最小的序号不属于 $survivor：崩溃的领导者的会话还没过期（过几秒再检查）" "$survivor:8000" "${lowest:-none}"
fi
expect_eq "the role $survivor's agent reports" "$survivor 的代理报告的角色" leader "$(jq -r .role <<<"$status")"
[ "$(jq -r .promoted <<<"$status")" = true ] ||
  fail "$survivor was the leader all along: the instance you crashed was a follower. The leader holds the lowest sequence number" \
    "$survivor 一直都是领导者：你让崩溃的是跟随者。领导者是序号最小的那个实例"
pass "the leader crashed, its znode went with its session, and $survivor — next in sequence — took over" \
  "领导者崩溃，它的节点随会话消失，序号紧随其后的 $survivor 接任了领导者"
