# Passes when http://workstation:80 (asked from the grader, another machine) is answered by the
# nginx in the container edge, and edge lives in the workstation's own network namespace: it
# sees the workstation's interfaces (docker0 among them), not a private eth0 of its own.
expect_running edge

marker="archlab-check-$RANDOM$RANDOM"
body=$(curl -sS -m 4 -A "$marker" http://workstation:80/ 2>&1)
case "$body" in
  *"Welcome to nginx"*) ;;
  *) fail "http://workstation:80 does not serve nginx's welcome page" "http://workstation:80 返回的不是 nginx 的欢迎页" \
       "Welcome to nginx!" "$(echo "$body" | head -1)" ;;
esac
docker logs edge 2>&1 | grep -q "$marker" ||
  fail "something answers on the workstation's port 80, but not the nginx in edge (its log has no trace of the request)" \
    "workstation 的 80 端口有程序在响应，但不是 edge 里的 nginx（它的日志里没有这次请求）"

ifaces=$(docker exec edge cat /proc/net/dev 2>&1 | sed -n '3,$p' | cut -d: -f1 | xargs)
case " $ifaces " in
  *" docker0 "*) ;;
  *) fail "edge answers on port 80 but has a network namespace of its own (a published port is not the host network): run it with --network host" \
       "edge 在 80 端口上响应了，但它有自己独立的网络命名空间（发布端口不等于 host 网络）：用 --network host 运行它" \
       "$(t "the workstation's interfaces (eth0, docker0, ...)" "workstation 的网卡（eth0、docker0……）")" "$ifaces" ;;
esac
pass "edge shares the workstation's network namespace and serves http://workstation:80" \
  "edge 与 workstation 共用网络命名空间，并提供 http://workstation:80"
