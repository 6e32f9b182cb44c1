# build-spa: web:80 serves the React shop's BUILD (index.html naming a hashed bundle that holds
# react-shop's SHOP_BUILD), and a deep link such as /products/1002 gets the same index.html.
spa_bundle http://web/
[ "$SPA_PAGE_STATUS" != 000 ] || fail "nothing answers on http://web/ (is nginx running? nginx -t && nginx)" \
  "http://web/ 没有应答（nginx 在运行吗？nginx -t && nginx）"
[ "$SPA_PAGE_STATUS" = 200 ] || fail "http://web/ answers HTTP $SPA_PAGE_STATUS" "http://web/ 返回 HTTP $SPA_PAGE_STATUS" \
  200 "$SPA_PAGE_STATUS"
if [ -z "$SPA_SCRIPT" ]; then
  if printf '%s' "$SPA_INDEX" | grep -q 'Welcome to nginx'; then
    fail "http://web/ is still nginx's default page: point a site's root at the folder you deployed the build to" \
      "http://web/ 还是 nginx 的默认页面：让站点的 root 指向部署构建产物的目录"
  fi
  fail "the page at http://web/ names no module script: it is not the shop's index.html" \
    "http://web/ 的页面里没有 module 脚本：它不是商城的 index.html"
fi
case "$SPA_SCRIPT" in
  *.jsx | *.tsx | /src/*)
    fail "the page loads $SPA_SCRIPT — the SOURCE: browsers cannot run JSX. Build it (npm ci --offline && npm run build) and serve dist/" \
      "页面加载的是 $SPA_SCRIPT，也就是源代码：浏览器运行不了 JSX。先构建（npm ci --offline && npm run build），再发布 dist/" \
      "/assets/index-<hash>.js" "$SPA_SCRIPT" ;;
esac
[ "$SPA_JS_STATUS" = 200 ] || fail "the page names $SPA_SCRIPT, but web answers it with HTTP $SPA_JS_STATUS (copied dist/assets too?)" \
  "页面引用了 $SPA_SCRIPT，但 web 对它返回 HTTP $SPA_JS_STATUS（dist/assets 也复制了吗？）" 200 "$SPA_JS_STATUS"
expect_eq "the application in the bundle" "包里的应用" react-shop "${SPA_APP:-$(t "no SHOP_BUILD in the bundle" "包里没有 SHOP_BUILD")}"
printf '%s' "$SPA_SCRIPT" | grep -qE '^/assets/index-[A-Za-z0-9_-]{6,}\.js$' ||
  fail "the bundle's name carries no content hash: serve Vite's output (dist/) as it is" \
    "包的文件名里没有内容哈希：原样发布 Vite 的产物（dist/）" "/assets/index-<hash>.js" "$SPA_SCRIPT"
spa_request http://web/products/1002
if [ "$SPA_STATUS" != 200 ] || ! printf '%s' "$SPA_BODY" | grep -qF "$SPA_SCRIPT"; then
  fail "a deep link (http://web/products/1002, a route of the SPA) answers HTTP $SPA_STATUS instead of index.html: add try_files \$uri /index.html;" \
    "深链接（http://web/products/1002，单页应用的路由）返回 HTTP $SPA_STATUS，而不是 index.html：加上 try_files \$uri /index.html;" \
    "$(t "200 with index.html" "200，内容是 index.html")" "$SPA_STATUS"
fi
pass "web serves the React shop's build ($SPA_SCRIPT, react-shop $SPA_VERSION), deep links included" \
  "web 提供的是 React 商城的构建产物（$SPA_SCRIPT，react-shop $SPA_VERSION），深链接也能打开"
