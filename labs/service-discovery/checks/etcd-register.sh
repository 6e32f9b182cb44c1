# Passes when shop-1, shop-2 and shop-3 are registered in etcd under /services/shop/<host> with
# the value <host>:8000, each key attached to a lease whose TTL is at most 10 s, and every lease
# is kept alive: the check waits one full TTL and reads them again (an unrenewed lease would
# have expired by then, and its key with it). Reads etcd's own records through etcdctl.
instances="shop-1 shop-2 shop-3"
etcd_lease() { etcdctl get "$1" -w json | grep -o '"lease":[0-9]*' | head -1 | cut -d: -f2; }
granted_ttl() { etcdctl lease timetolive "$1" -w json | grep -o '"granted-ttl":-\?[0-9]*' | cut -d: -f2; }

etcdctl endpoint health >/dev/null 2>&1 || etcdctl get /services/shop/ --prefix --keys-only >/dev/null 2>&1 ||
  fail "etcd does not answer: are etcd-1, etcd-2 and etcd-3 up?" "etcd 没有响应：etcd-1、etcd-2、etcd-3 都在运行吗？"

declare -A lease_of
longest=0
for h in $instances; do
  key=/services/shop/$h
  value=$(etcdctl get "$key" --print-value-only)
  [ -n "$value" ] || fail "$h is not registered: there is no key $key in etcd" \
    "$h 没有注册：etcd 里没有键 $key" "$key = $h:8000" "(no key)"
  expect_eq "the value of $key" "$key 的值" "$h:8000" "$value"
  lease=$(etcd_lease "$key")
  if [ -z "$lease" ] || [ "$lease" = 0 ]; then
    fail "$key has no lease: if $h crashes, its key stays for ever and clients keep calling a dead instance (etcdctl put --lease=ID ...)" \
      "$key 没有绑定租约：$h 一旦崩溃，这个键会永远留着，客户端会一直调用一个死掉的实例（用 etcdctl put --lease=ID ...）"
  fi
  hex=$(printf '%x' "$lease")
  ttl=$(granted_ttl "$hex")
  [ -n "$ttl" ] && [ "$ttl" -gt 0 ] ||
    fail "the lease $hex of $key has already expired" "$key 的租约 $hex 已经过期了"
  if [ "$ttl" -gt 10 ]; then
    fail "the lease of $key has a TTL of ${ttl} s: a crashed $h would stay registered that long; use at most 10 s" \
      "$key 的租约 TTL 是 ${ttl} 秒：$h 崩溃后要过这么久才会被注销；TTL 最多 10 秒" "TTL <= 10" "TTL $ttl"
  fi
  lease_of[$h]=$lease
  [ "$ttl" -gt "$longest" ] && longest=$ttl
done

# Without keep-alive, every lease is gone after one TTL.
sleep $((longest + 1))
for h in $instances; do
  key=/services/shop/$h
  now=$(etcd_lease "$key")
  if [ -z "$now" ]; then
    fail "$key disappeared after ${longest} s: its lease was not kept alive (etcdctl lease keep-alive ID, running on $h)" \
      "$key 在 ${longest} 秒后消失了：租约没有续期（要在 $h 上运行 etcdctl lease keep-alive ID）"
  fi
  [ "$now" = "${lease_of[$h]}" ] ||
    msg "note: $key was registered again on a new lease while we watched" "提示：检查期间 $key 换了一个新租约重新注册"
done
pass "shop-1, shop-2 and shop-3 are registered on leases of at most 10 s, and the leases are kept alive" \
  "shop-1、shop-2、shop-3 都已注册在不超过 10 秒的租约上，并且租约在持续续期"
