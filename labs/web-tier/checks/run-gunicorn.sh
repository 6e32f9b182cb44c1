# Passes when the shop's Django application runs under gunicorn on port 8000 of web. Runs on web
# and reads the kernel's view: which processes hold the listening socket on port 8000 (ss, from
# /proc), then asks http://127.0.0.1:8000/ and follows the answer's X-Shop-Pid (the process
# that ran Django's view) back to a real gunicorn process.

holders=$(listener_pids 8000)
[ -n "$holders" ] ||
  fail "nothing listens on port 8000 of web: start gunicorn with the shop's WSGI application (shop.wsgi:application)" \
    "web 的 8000 端口上没有程序在监听：用 gunicorn 启动商城的 WSGI 应用（shop.wsgi:application）"
for pid in $holders; do
  case "$(server_kind "$pid")" in
    runserver)
      fail "port 8000 is served by Django's development server (manage.py runserver, process $pid): it is for development only. Stop it and run the application under gunicorn" \
        "8000 端口上是 Django 的开发服务器（manage.py runserver，进程 $pid）：它只用于开发。停掉它，改用 gunicorn 运行应用" \
        "gunicorn" "$(proc_cmdline "$pid")" ;;
    gunicorn) ;;
    *)
      fail "port 8000 is held by a process that is not gunicorn (process $pid)" \
        "占用 8000 端口的进程（$pid）不是 gunicorn" "gunicorn ... shop.wsgi:application" "$(proc_cmdline "$pid")" ;;
  esac
done

shop_fetch http://127.0.0.1:8000/
[ "$SHOP_STATUS" = 200 ] ||
  fail "gunicorn answers http://127.0.0.1:8000/ with HTTP $SHOP_STATUS: see its error log (--error-logfile)" \
    "gunicorn 对 http://127.0.0.1:8000/ 的回答是 HTTP $SHOP_STATUS：看看它的错误日志（--error-logfile）" "HTTP 200" "HTTP $SHOP_STATUS"
case "$(shop_header server)" in
  gunicorn*) ;;
  *) fail "the answer on port 8000 does not come from gunicorn" "8000 端口的回答不是 gunicorn 给的" \
       "Server: gunicorn" "Server: $(shop_header server)" ;;
esac
worker=$(shop_header x-shop-pid)
if [ -z "$worker" ] || ! grep -q '<title>archlab shop: products</title>' <<<"$SHOP_BODY"; then
  fail "gunicorn runs, but another application than the shop: give it shop.wsgi:application (the callable application in /srv/shop/shop/wsgi.py)" \
    "gunicorn 在运行，但运行的不是商城应用：应该是 shop.wsgi:application（/srv/shop/shop/wsgi.py 里的 application）" \
    "the shop's product list" "$(head -c 120 <<<"$SHOP_BODY" | tr '\n' ' ')"
fi
[ "$(server_kind "$worker")" = gunicorn ] ||
  fail "the page names process $worker, which is not a gunicorn worker" "页面给出的进程 $worker 不是 gunicorn 的 worker" \
    "a gunicorn worker" "$(proc_cmdline "$worker")"
master=$(proc_ppid "$worker")
pass "gunicorn (master $master) runs shop.wsgi:application: worker $worker called the application and answered the product list" \
  "gunicorn（master 进程 $master）在运行 shop.wsgi:application：worker $worker 调用了应用，返回了商品列表"
