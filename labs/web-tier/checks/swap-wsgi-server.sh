# Passes when uWSGI, not gunicorn, runs the shop behind the unchanged nginx, and the application
# is the one shipped (shop/wsgi.py and the catalog's code, compared with their digests below).
# Runs on web: the product list through http://127.0.0.1/ must carry the X-Shop-Pid of a uWSGI
# process (read from /proc), no gunicorn may be left running, and /wsgi/ must show the environ
# that uWSGI built (uwsgi.version) for that same application callable.

# sha256 of the application's files as the image ships them (infra/images/django-shop/app).
read -r -d '' SHIPPED <<'SUMS'
eb4847f979c74244056fa82dcb4cda9f36b8f1274414ac1729c05bbfaa22e2e2  shop/wsgi.py
f4eca2c84963979588242e995cf24204c35e78635f7c7deab68cf132c6231d9a  shop/urls.py
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  catalog/__init__.py
bd3181bae359f8b08f18a0e8b07533552b00ae99878d1fab9001c8f024c5ab16  catalog/apps.py
678d3e91d9f5af29956ca846ae3d9add2700825516d85f6a649dda0fc745b1c2  catalog/middleware.py
b613f8eb45e9fe33fde9b7b8e4872b44797fb76ab884ae7f4735526ea1a8162d  catalog/models.py
25a3981a5507c27285c31f7cc3a71c37efffb97abbf45b122a5e1ea94d853651  catalog/tests.py
c11b371219ea4c623b001e97391193bc58f703f9973ec10ef42fe5c2c74a3b75  catalog/urls.py
0e42e4a470465f1ea74095ff1068231e10d843bbe5791af27519b9fce91587c4  catalog/views.py
63b54db1362d8308fa06b66fab462df703c87fbe815c2ef4730fbb86d3efbdb5  catalog/templates/catalog/products.html
SUMS
changed=$(cd /srv/shop && printf '%s\n' "$SHIPPED" | sha256sum --quiet -c - 2>/dev/null | sed 's/: .*//' | paste -sd' ' -)
[ -z "$changed" ] ||
  fail "the application was changed ($changed): the point of WSGI is that the same callable, shop.wsgi:application, runs under any WSGI server. Put the shipped files back (cp -r /usr/local/share/archlab-shop/. /srv/shop/) and give uWSGI --module shop.wsgi:application" \
    "应用被改动了（$changed）：WSGI 的意义就在于同一个可调用对象 shop.wsgi:application 可以在任何 WSGI 服务器下运行。恢复原来的文件（cp -r /usr/local/share/archlab-shop/. /srv/shop/），让 uWSGI 使用 --module shop.wsgi:application" \
    "the application as shipped" "changed: $changed"

shop_fetch http://127.0.0.1/
worker=$(shop_header x-shop-pid)
[ "$SHOP_STATUS" = 200 ] ||
  fail "http://127.0.0.1/ answers HTTP $SHOP_STATUS through nginx: is uWSGI running on the address nginx forwards to (127.0.0.1:8000)? See /var/log/shop/uwsgi.log" \
    "通过 nginx 访问 http://127.0.0.1/ 得到 HTTP $SHOP_STATUS：uWSGI 是否运行在 nginx 转发的地址（127.0.0.1:8000）上？看看 /var/log/shop/uwsgi.log" \
    "HTTP 200" "HTTP $SHOP_STATUS"
if [ -z "$worker" ] || ! grep -q '<title>archlab shop: products</title>' <<<"$SHOP_BODY"; then
  fail "nginx's upstream runs another application than the shop: give uWSGI --module shop.wsgi:application" \
    "nginx 的上游运行的不是商城应用：让 uWSGI 使用 --module shop.wsgi:application" \
    "the shop's product list" "$(head -c 120 <<<"$SHOP_BODY" | tr '\n' ' ')"
fi
case "$(server_kind "$worker")" in
  uwsgi) ;;
  gunicorn)
    fail "nginx still forwards to gunicorn (worker $worker): stop gunicorn and run the application under uWSGI on the address nginx forwards to" \
      "nginx 仍然转发给 gunicorn（worker $worker）：停掉 gunicorn，让 uWSGI 在 nginx 转发的地址上运行应用" \
      "a uWSGI worker" "$(proc_cmdline "$worker")" ;;
  *) fail "the product list was made by process $worker, which is not uWSGI" "商品列表由进程 $worker 生成，它不是 uWSGI" \
       "a uWSGI worker" "$(proc_cmdline "$worker")" ;;
esac
left=$(pids_of_kind gunicorn | paste -sd' ' -)
[ -z "$left" ] ||
  fail "gunicorn still runs (process $left): the swap is done when uWSGI has taken over, so stop gunicorn (kill \$(cat /run/gunicorn.pid))" \
    "gunicorn 还在运行（进程 $left）：uWSGI 接手之后才算换完，停掉 gunicorn（kill \$(cat /run/gunicorn.pid)）" \
    "no gunicorn process" "gunicorn: $left"
shop_fetch http://127.0.0.1/wsgi/
grep -q "^  uwsgi.version = " <<<"$SHOP_BODY" ||
  fail "the application's /wsgi/ page does not show uWSGI's environ" "应用的 /wsgi/ 页面里没有 uWSGI 提供的 environ" \
    "uwsgi.version in environ" "$(grep -E '^  (SERVER_SOFTWARE|uwsgi\.version) = ' <<<"$SHOP_BODY" | head -1)"
pass "uWSGI (process $worker) now calls the same shop.wsgi:application behind the same nginx; gunicorn is gone" \
  "现在由 uWSGI（进程 $worker）在同一个 nginx 后面调用同一个 shop.wsgi:application；gunicorn 已经停掉"
