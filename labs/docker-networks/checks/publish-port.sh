# Passes when http://workstation:8081 (asked from the grader, another machine) is answered by the
# nginx in shop-web, a container in a network namespace of its own (not --network host).
expect_running shop-web
mode=$(docker container inspect shop-web --format '{{.HostConfig.NetworkMode}}')
[ "$mode" != host ] ||
  fail "shop-web runs on the host network: this step publishes a port of a bridge container" \
    "shop-web 运行在 host 网络上：这一步要练的是为 bridge 网络里的容器发布端口" bridge host

marker="archlab-check-$RANDOM$RANDOM"
body=$(curl -sS -m 4 -A "$marker" http://workstation:8081/ 2>&1)
case "$body" in
  *"Welcome to nginx"*) ;;
  *) ports=$(docker port shop-web 2>/dev/null | xargs)
     fail "http://workstation:8081 does not serve nginx's welcome page from another machine (published: ${ports:-nothing})" \
       "从另一台机器访问 http://workstation:8081 看不到 nginx 的欢迎页（已发布的端口：${ports:-无}）" \
       "80/tcp -> 0.0.0.0:8081" "${ports:-$(t "no published port" "没有发布端口")}" ;;
esac
docker logs shop-web 2>&1 | grep -q "$marker" ||
  fail "something answers on the workstation's port 8081, but not the nginx in shop-web" \
    "workstation 的 8081 端口有程序在响应，但不是 shop-web 里的 nginx"
pass "the workstation's port 8081 leads to port 80 of shop-web" "workstation 的 8081 端口通向 shop-web 的 80 端口"
