# Passes when shop-1, shop-2 and shop-3 each have exactly one znode under /services/shop whose
# data is <host>:8000, and that znode is sequential (instance-0000000007), ephemeral (it has an
# ephemeralOwner session) and owned by a session that the instance itself opened: the session
# ids ZooKeeper's servers list for connections from the instance's address (the `cons` command).
zk_view() {
  python3 - <<'PY'
import os, re, socket
from kazoo.client import KazooClient
hosts = os.environ.get("ZK_HOSTS", "zk-1:2181,zk-2:2181,zk-3:2181")
sessions = {}  # session id -> client address, from each server's list of connections
for h in hosts.split(","):
    name, port = h.split(":")
    try:
        with socket.create_connection((name, int(port)), timeout=2) as s:
            s.sendall(b"cons")
            out = b""
            while chunk := s.recv(65536):
                out += chunk
    except OSError:
        continue
    for ip, sid in re.findall(r"/([0-9.]+):\d+\[\d+\]\([^)]*?sid=(0x[0-9a-f]+)", out.decode()):
        sessions[sid] = ip
names = {}
for other in ("tools", "client", "grader", "shop-1", "shop-2", "shop-3"):
    try:
        names[socket.gethostbyname(other)] = other
    except OSError:
        pass
zk = KazooClient(hosts=hosts, timeout=4.0)
zk.start(timeout=8)
nodes = []
if zk.exists("/services/shop"):
    for child in zk.get_children("/services/shop"):
        data, stat = zk.get("/services/shop/" + child)
        nodes.append((child, data.decode(errors="replace"), stat.ephemeralOwner))
zk.stop()
# One line per instance: host count name ephemeral sequential owner-address owner-host own-address
for h in ("shop-1", "shop-2", "shop-3"):
    mine = [n for n in nodes if n[1] == h + ":8000"]
    name, owner = (mine[0][0], mine[0][2]) if mine else ("-", 0)
    ip = sessions.get(hex(owner), "-") if owner else "-"
    print(h, len(mine), name, "yes" if owner else "no",
          "yes" if re.search(r"\d{10}$", name) else "no", ip, names.get(ip, ip), socket.gethostbyname(h))
PY
}
view=$(zk_view 2>/dev/null) || fail "cannot read /services/shop from ZooKeeper: is a majority of zk-1, zk-2, zk-3 up?" \
  "读不到 ZooKeeper 的 /services/shop：zk-1、zk-2、zk-3 中的多数在运行吗？"
while read -r h count name ephemeral sequential from who ip; do
  [ "$count" -gt 0 ] || fail "$h has no znode under /services/shop (with data $h:8000)" \
    "$h 在 /services/shop 下没有 znode（数据应为 $h:8000）" "a znode with data $h:8000" "none"
  [ "$count" = 1 ] || fail "$h has $count znodes under /services/shop: one instance, one registration" \
    "$h 在 /services/shop 下有 $count 个 znode：一个实例只应注册一次" 1 "$count"
  [ "$ephemeral" = yes ] ||
    fail "/services/shop/$name ($h) is a persistent znode: it would outlive a crashed $h; create it ephemeral (-e)" \
      "/services/shop/$name（$h）是持久节点：$h 崩溃后它还会留着；要创建临时节点（-e）"
  [ "$sequential" = yes ] ||
    fail "/services/shop/$name ($h) is not sequential: leader election needs ZooKeeper's sequence numbers (-s)" \
      "/services/shop/$name（$h）不是顺序节点：选主需要 ZooKeeper 分配的序号（-s）"
  [ "$who" != - ] || who="an unknown address"
  if [ "$from" != "$ip" ]; then
    fail "the session that owns /services/shop/$name ($h) was opened from $who, not by $h itself: if $h crashes, its znode stays" \
      "拥有 /services/shop/$name（$h）的会话来自 $who，而不是 $h 自己：$h 崩溃后这个节点不会消失" \
      "a session from $h ($ip)" "$who"
  fi
done <<<"$view"
pass "each instance holds one ephemeral, sequential znode through its own session" \
  "每个实例都通过自己的会话持有一个临时顺序节点"
