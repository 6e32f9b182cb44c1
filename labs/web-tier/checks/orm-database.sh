# Passes when the shop reads its products from MariaDB on db through Django's ORM. Runs on the
# grader and reads MariaDB itself: Django's migrations must have created the tables there
# (django_migrations), the products must be loaded, and a product this check inserts with SQL
# (a random name) must appear on the product list through nginx (http://web/); it is deleted
# again afterwards.
q() { mariadb -h db -u grader -pgrader --connect-timeout=3 -N -B shop -e "$1" 2>&1; }

out=$(q "SELECT COUNT(*) FROM django_migrations WHERE app = 'catalog' AND name = '0001_initial'")
case "$out" in
  1) ;;
  *"doesn't exist"* | 0)
    fail "Django's migrations have not run against MariaDB: the shop database on db has no catalog tables. With DATABASES pointing at db, run python3 manage.py migrate" \
      "Django 的迁移还没有在 MariaDB 上执行：db 上的 shop 库里没有 catalog 的表。让 DATABASES 指向 db 后执行 python3 manage.py migrate" \
      "catalog 0001_initial applied on db" "no catalog migration on db" ;;
  *) fail "cannot read the shop database on db: $out" "读不到 db 上的 shop 数据库：$out" ;;
esac
n=$(q "SELECT COUNT(*) FROM catalog_product")
[ "${n:-0}" -gt 0 ] 2>/dev/null ||
  fail "MariaDB's catalog_product table is empty: load the products with the ORM (python3 manage.py loaddata products)" \
    "MariaDB 的 catalog_product 表是空的：用 ORM 装入商品（python3 manage.py loaddata products）" \
    "the products in catalog_product" "$n"

probe="probe-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
trap 'q "DELETE FROM catalog_product WHERE sku = '"'$probe'"'" >/dev/null' EXIT
out=$(q "INSERT INTO catalog_product (sku, name, price, stock) VALUES ('$probe', 'Grader $probe', 1.00, 1)") ||
  fail "cannot insert a test product into catalog_product on db: $out" "无法向 db 的 catalog_product 插入测试商品：$out"
headers=$(mktemp)
body=$(curl -s -m 8 -D "$headers" http://web/)
database=$(tr -d '\r' <"$headers" | sed -n 's/^[Xx]-[Ss]hop-[Dd]atabase: *//p' | head -1)
server=$(tr -d '\r' <"$headers" | sed -n 's/^[Ss]erver: *//p' | head -1)
status=$(head -1 "$headers" | awk '{print $2}')
rm -f "$headers"
[ "$status" = 200 ] ||
  fail "http://web/ answers HTTP ${status:-nothing} through nginx: is the WSGI server running, and can Django reach the database?" \
    "通过 nginx 访问 http://web/ 得到 HTTP ${status:-（无应答）}：WSGI 服务器还在运行吗？Django 连得上数据库吗？" \
    "HTTP 200" "HTTP ${status:-none}"
case "$server" in
  nginx*) ;;
  *) fail "http://web/ is not answered by nginx" "http://web/ 不是 nginx 回答的" "Server: nginx" "Server: $server" ;;
esac
grep -q "Grader $probe" <<<"$body" ||
  fail "a product inserted into MariaDB does not appear on http://web/: the application still reads another database ($database). Point DATABASES in settings.py at db, then reload the WSGI server so its workers load the new settings" \
    "插入 MariaDB 的商品没有出现在 http://web/ 上：应用读的还是另一个数据库（$database）。让 settings.py 的 DATABASES 指向 db，再重载 WSGI 服务器，让 worker 加载新配置" \
    "the product list from MariaDB on db" "a product list from $database"
pass "the shop's product list comes from MariaDB on db through Django's ORM ($n products); nginx and the WSGI server did not change" \
  "商城的商品列表经由 Django 的 ORM 来自 db 上的 MariaDB（$n 件商品）；nginx 和 WSGI 服务器都没有变"
