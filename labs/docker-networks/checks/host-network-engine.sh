# Passes when edge, an nginx on the host network, serves port 80 of the Docker host's own network
# namespace, and edge lives in that namespace: a fresh container on the host network (the same
# namespace) gets edge's welcome page from localhost:80, and edge sees the namespace's interfaces
# (docker0 among them), not a private eth0 of its own. The workstation's engine is rootless, so
# its host network is the engine's namespace, which the grader cannot reach on port 80 (see the
# lesson); published ports are what other machines reach (next step).
expect_running edge

marker="archlab-check-$RANDOM$RANDOM"
body=$(docker run --rm --network host nginx:latest curl -sS -m 4 -A "$marker" http://localhost:80/ 2>&1)
case "$body" in
  *"Welcome to nginx"*) ;;
  *) fail "localhost:80 on the Docker host's network does not serve nginx's welcome page" \
       "Docker 主机网络上的 localhost:80 返回的不是 nginx 的欢迎页" \
       "Welcome to nginx!" "$(echo "$body" | head -1)" ;;
esac
docker logs edge 2>&1 | grep -q "$marker" ||
  fail "something answers on port 80 of the Docker host's network, but not the nginx in edge (its log has no trace of the request)" \
    "Docker 主机网络的 80 端口有程序在响应，但不是 edge 里的 nginx（它的日志里没有这次请求）"

ifaces=$(docker exec edge cat /proc/net/dev 2>&1 | sed -n '3,$p' | cut -d: -f1 | xargs)
case " $ifaces " in
  *" docker0 "*) ;;
  *) fail "edge answers on port 80 but has a network namespace of its own (a published port is not the host network): run it with --network host" \
       "edge 在 80 端口上响应了，但它有自己独立的网络命名空间（发布端口不等于 host 网络）：用 --network host 运行它" \
       "$(t "the Docker host's interfaces (tap0, docker0, ...)" "Docker 主机的网卡（tap0、docker0……）")" "$ifaces" ;;
esac
pass "edge shares the Docker host's network namespace and serves its port 80" \
  "edge 与 Docker 主机共用网络命名空间，并在它的 80 端口上提供服务"
