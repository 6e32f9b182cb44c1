# Passes when shop-1, shop-2 and shop-3 are registered in etcd under /services/shop/<host> with
# the value <host>:8000, each key attached to a lease whose TTL is at most 10 s, and every lease
# is kept alive: the check waits one full TTL and reads them again (an unrenewed lease would
# have expired by then, and its key with it). Reads etcd's own records through its HTTP API
# (the gRPC gateway: /v3/kv/range, /v3/lease/timetolive), in one process, so that the check stays
# quick on a busy machine.
report=$(python3 - <<'PY'
import base64, json, time, urllib.request

def call(path, body):
    for host in ("etcd-1", "etcd-2", "etcd-3"):
        try:
            req = urllib.request.Request(f"http://{host}:2379{path}", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=3) as reply:
                return json.load(reply)
        except OSError:
            continue
    raise SystemExit("down")

b64 = lambda s: base64.b64encode(s.encode()).decode()

def registrations():
    out = {}
    for kv in call("/v3/kv/range", {"key": b64("/services/shop/"), "range_end": b64("/services/shop0")}).get("kvs", []):
        out[base64.b64decode(kv["key"]).decode()] = (base64.b64decode(kv.get("value", "")).decode(), int(kv.get("lease", 0)))
    return out

first = registrations()
longest = 0
for h in ("shop-1", "shop-2", "shop-3"):
    key = "/services/shop/" + h
    if key not in first:
        print("missing", h, "-"); raise SystemExit
    value, lease = first[key]
    if value != h + ":8000":
        print("value", h, value or "(empty)"); raise SystemExit
    if not lease:
        print("nolease", h, "-"); raise SystemExit
    granted = int(call("/v3/lease/timetolive", {"ID": str(lease)}).get("grantedTTL", 0))
    if granted <= 0:
        print("expired", h, format(lease, "x")); raise SystemExit
    if granted > 10:
        print("long", h, granted); raise SystemExit
    longest = max(longest, granted)
time.sleep(longest + 1)
later = registrations()
for h in ("shop-1", "shop-2", "shop-3"):
    if "/services/shop/" + h not in later:
        print("notkept", h, longest); raise SystemExit
print("ok - -")
PY
) || fail "etcd does not answer: are etcd-1, etcd-2 and etcd-3 up?" "etcd 没有响应：etcd-1、etcd-2、etcd-3 都在运行吗？"
read -r verdict h detail <<<"$report"
key=/services/shop/$h
case "$verdict" in
  ok) pass "shop-1, shop-2 and shop-3 are registered on leases of at most 10 s, and the leases are kept alive" \
    "shop-1、shop-2、shop-3 都已注册在不超过 10 秒的租约上，并且租约在持续续期" ;;
  missing) fail "$h is not registered: there is no key $key in etcd" \
    "$h 没有注册：etcd 里没有键 $key" "$key = $h:8000" "(no key)" ;;
  value) expect_eq "the value of $key" "$key 的值" "$h:8000" "$detail" ;;
  nolease) fail "$key has no lease: if $h crashes, its key stays for ever and clients keep calling a dead instance (etcdctl put --lease=ID ...)" \
    "$key 没有绑定租约：$h 一旦崩溃，这个键会永远留着，客户端会一直调用一个死掉的实例（用 etcdctl put --lease=ID ...）" ;;
  expired) fail "the lease $detail of $key has already expired" "$key 的租约 $detail 已经过期了" ;;
  long) fail "the lease of $key has a TTL of ${detail} s: a crashed $h would stay registered that long; use at most 10 s" \
    "$key 的租约 TTL 是 ${detail} 秒：$h 崩溃后要过这么久才会被注销；TTL 最多 10 秒" "TTL <= 10" "TTL $detail" ;;
  notkept) fail "$key disappeared after ${detail} s: its lease was not kept alive (etcdctl lease keep-alive ID, running on $h)" \
    "$key 在 ${detail} 秒后消失了：租约没有续期（要在 $h 上运行 etcdctl lease keep-alive ID）" ;;
  *) fail "etcd does not answer: are etcd-1, etcd-2 and etcd-3 up?" "etcd 没有响应：etcd-1、etcd-2、etcd-3 都在运行吗？" ;;
esac
