# Passes when shop-client runs on the client host, follows etcd, knows the three registered
# instances and really sends them traffic (the shops' own request counters grow), and follows
# changes: the check registers a probe instance on a short lease, which the client must pick up
# within 6 s, then revokes the lease, and the client must drop the probe within 6 s.

s=$(stats) || fail "nothing answers on client:9000: start shop-client on the client host (ssh client shop-client etcd --background)" \
  "client:9000 没有响应：请在 client 主机上启动 shop-client（ssh client shop-client etcd --background）"
expect_eq "the registry shop-client uses" "shop-client 使用的注册中心" etcd "$(jq -r .registry <<<"$s")"
expect_eq "the instances shop-client knows" "shop-client 知道的实例" \
  "shop-1=shop-1:8000 shop-2=shop-2:8000 shop-3=shop-3:8000" \
  "$(jq -r '.targets | to_entries | map("\(.key)=\(.value)") | sort | join(" ")' <<<"$s")"

shops_receive_traffic "shop-1 shop-2 shop-3"

# Does the client follow the registry, or did it read it once?
lease=$(etcdctl lease grant 8 | awk '/granted/ {print $2}')
[ -n "$lease" ] || fail "etcd refused to grant a lease: is the cluster healthy?" "etcd 拒绝分配租约：集群是否正常？"
trap 'etcdctl lease revoke "$lease" >/dev/null 2>&1' EXIT
etcdctl put --lease="$lease" /services/shop/probe shop-1:8000 >/dev/null
# Up to 6 s each way (a busy machine slows every command down; the client itself reacts at once).
seen=""
deadline=$((SECONDS + 6))
while [ "$SECONDS" -lt "$deadline" ]; do
  if stats | jq -e '.targets.probe' >/dev/null; then seen=1; break; fi
  sleep 0.2
done
[ -n "$seen" ] || fail "a new instance registered under /services/shop/ did not reach shop-client: it read the list once and does not watch (etcdctl watch --prefix)" \
  "在 /services/shop/ 下新注册的实例没有出现在 shop-client 里：它只读了一次列表，没有 watch（etcdctl watch --prefix）"
etcdctl lease revoke "$lease" >/dev/null
trap - EXIT
deadline=$((SECONDS + 6))
while [ "$SECONDS" -lt "$deadline" ]; do
  stats | jq -e '.targets.probe' >/dev/null || pass "shop-client found the three instances by a prefix read and follows every change with a watch" \
    "shop-client 通过前缀读取找到了三个实例，并通过 watch 跟踪每一次变化"
  sleep 0.2
done
fail "an instance whose lease ended is still among shop-client's targets" "租约已结束的实例仍在 shop-client 的目标列表里"
