# Passes when nginx on port 80 of web forwards dynamic pages to gunicorn and serves /static/
# itself. Runs on web: the listener on port 80 must be nginx (kernel's view); the product list
# through http://127.0.0.1/ must carry X-Shop-Pid of a gunicorn worker (so gunicorn, not
# Django's development server, is the upstream) that listens on the loopback only; and
# /static/catalog/shop.css must come from nginx with the collected file's bytes, without the
# X-Shop-Pid that every response of the application carries.

holders=$(listener_pids 80)
[ -n "$holders" ] ||
  fail "nothing listens on port 80 of web: configure nginx (/etc/nginx/sites-available/shop), check it with nginx -t and start it with nginx" \
    "web 的 80 端口上没有程序在监听：配置 nginx（/etc/nginx/sites-available/shop），用 nginx -t 检查，再用 nginx 启动它"
for pid in $holders; do
  [ "$(proc_comm "$pid")" = nginx ] ||
    fail "port 80 is held by a process that is not nginx (process $pid)" "占用 80 端口的进程（$pid）不是 nginx" \
      "nginx" "$(proc_cmdline "$pid")"
done

shop_fetch http://127.0.0.1/
worker=$(shop_header x-shop-pid)
case "$SHOP_STATUS" in
  200) ;;
  400) fail "Django refused the request nginx forwarded (HTTP 400): the Host header it received is not in ALLOWED_HOSTS. Pass the client's Host on: proxy_set_header Host \$host;" \
         "Django 拒绝了 nginx 转发的请求（HTTP 400）：它收到的 Host 请求头不在 ALLOWED_HOSTS 里。把客户端的 Host 传过去：proxy_set_header Host \$host;" \
         "HTTP 200" "HTTP 400" ;;
  502 | 504) fail "nginx cannot reach its upstream (HTTP $SHOP_STATUS): is gunicorn running on 127.0.0.1:8000, and does proxy_pass point there?" \
         "nginx 连不上上游（HTTP $SHOP_STATUS）：gunicorn 是否还在 127.0.0.1:8000 上运行，proxy_pass 是否指向那里？" \
         "HTTP 200" "HTTP $SHOP_STATUS" ;;
  *) fail "http://127.0.0.1/ answers HTTP $SHOP_STATUS through nginx" "通过 nginx 访问 http://127.0.0.1/ 得到 HTTP $SHOP_STATUS" \
       "HTTP 200" "HTTP $SHOP_STATUS" ;;
esac
[ -n "$worker" ] ||
  fail "nginx answers http://127.0.0.1/ by itself (its default page?): forward location / to gunicorn with proxy_pass" \
    "nginx 自己回答了 http://127.0.0.1/（默认页面？）：用 proxy_pass 把 location / 转给 gunicorn" \
    "the shop's product list (X-Shop-Pid: ...)" "$(grep -o '<title>[^<]*' <<<"$SHOP_BODY" | head -1 | sed 's/<title>//')"
case "$(server_kind "$worker")" in
  gunicorn) ;;
  runserver)
    fail "nginx forwards to Django's development server (manage.py runserver, process $worker), not to gunicorn: the development server is one process, not meant for real traffic" \
      "nginx 转发给了 Django 的开发服务器（manage.py runserver，进程 $worker），而不是 gunicorn：开发服务器只是一个进程，不适合承担真实流量" \
      "a gunicorn worker" "$(proc_cmdline "$worker")" ;;
  *) fail "the product list through nginx was made by process $worker, which is not a gunicorn worker" \
       "通过 nginx 得到的商品列表由进程 $worker 生成，它不是 gunicorn 的 worker" \
       "a gunicorn worker" "$(proc_cmdline "$worker")" ;;
esac
open=$(listen_addresses "$worker" | grep -Ev '^(127\.[0-9.]+|\[::1\]):' | head -1)
[ -z "$open" ] ||
  fail "gunicorn listens on $open: anyone on the network can reach it around nginx. Bind it to the loopback (--bind 127.0.0.1:8000)" \
    "gunicorn 监听在 $open：网络上的任何人都可以绕过 nginx 直接访问它。让它只监听本机地址（--bind 127.0.0.1:8000）" \
    "127.0.0.1:8000" "$open"

shop_fetch http://127.0.0.1/static/catalog/shop.css
if [ -n "$(shop_header x-shop-pid)" ]; then
  fail "the request for /static/catalog/shop.css went through to Django (process $(shop_header x-shop-pid) answered HTTP $SHOP_STATUS): nginx should serve /static/ from STATIC_ROOT itself (location /static/ { alias /srv/shop/staticfiles/; })" \
    "/static/catalog/shop.css 的请求被转给了 Django（进程 $(shop_header x-shop-pid) 回答 HTTP $SHOP_STATUS）：应该由 nginx 自己从 STATIC_ROOT 提供 /static/（location /static/ { alias /srv/shop/staticfiles/; }）" \
    "served by nginx from /srv/shop/staticfiles" "answered by Django (HTTP $SHOP_STATUS)"
fi
[ "$SHOP_STATUS" = 200 ] ||
  fail "nginx answers /static/catalog/shop.css with HTTP $SHOP_STATUS: collect the static files (python3 manage.py collectstatic) and alias /static/ to STATIC_ROOT (/srv/shop/staticfiles/)" \
    "nginx 对 /static/catalog/shop.css 的回答是 HTTP $SHOP_STATUS：先收集静态文件（python3 manage.py collectstatic），再把 /static/ alias 到 STATIC_ROOT（/srv/shop/staticfiles/）" \
    "HTTP 200" "HTTP $SHOP_STATUS"
[ "$SHOP_BODY" = "$(cat /srv/shop/catalog/static/catalog/shop.css)" ] ||
  fail "/static/catalog/shop.css through nginx is not the shop's stylesheet" "通过 nginx 得到的 /static/catalog/shop.css 不是商城的样式表"
pass "nginx (port 80) forwards pages to gunicorn worker $worker on the loopback and serves /static/ from disk itself" \
  "nginx（80 端口）把页面转给只监听本机的 gunicorn（worker $worker），/static/ 由它自己从磁盘提供"
