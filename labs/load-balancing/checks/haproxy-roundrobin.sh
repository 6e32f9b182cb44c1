# Passes when HAProxy spreads requests evenly over api-1, api-2 and api-3 (round robin): of 30
# requests through http://haproxy/products none fails, each instance answers about 10 (each
# answer names its instance), and each instance's own request counter confirms it served them.
lb_expect_roundrobin haproxy http://haproxy/products \
  "add the three instances as servers of backend shop (balance roundrobin), then reload" \
  "把三个实例作为 server 加进 backend shop（balance roundrobin），然后重载" \
  "is it a server of the backend, and is the balance method roundrobin (balance source sends one client to one server)?" \
  "它是 backend 里的 server 吗？均衡方法是 roundrobin 吗（balance source 会把同一个客户端固定发给一台服务器）？"
pass "HAProxy spreads requests round robin: $LB_SEEN" "HAProxy 以轮询方式分发请求：$LB_SEEN"
