# Passes when Nginx spreads requests evenly over api-1, api-2 and api-3 (round robin): of 30
# requests through http://nginx/products none fails, each instance answers about 10 (each
# answer names its instance), and each instance's own request counter confirms it served them.
lb_expect_roundrobin nginx http://nginx/products \
  "Nginx answers by itself; define an upstream of api-1, api-2, api-3 (port 8000) and proxy_pass to it (then nginx -t && nginx -s reload)" \
  "现在是 Nginx 自己在回答；定义一个包含 api-1、api-2、api-3（8000 端口）的 upstream，再 proxy_pass 到它（然后 nginx -t && nginx -s reload）" \
  "all traffic went elsewhere (a single server, or a sticky method such as ip_hash?)" \
  "流量全去了别处（只配了一台服务器，还是用了 ip_hash 这类会话保持的方法？）"
pass "Nginx spreads requests round robin: $LB_SEEN" "Nginx 以轮询方式分发请求：$LB_SEEN"
