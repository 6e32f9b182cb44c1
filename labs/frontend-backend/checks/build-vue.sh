# build-vue: web:8080 serves the Vue shop's build, built against the API's own origin
# (http://api-flask:5000/api): an address the browser (here, the grader on the lab network)
# reaches, answered by the Flask API.
spa_bundle http://web:8080/
[ "$SPA_PAGE_STATUS" != 000 ] || fail "nothing answers on http://web:8080/: add an nginx server that listens on 8080" \
  "http://web:8080/ 没有应答：给 nginx 加一个 listen 8080 的 server"
[ -n "$SPA_SCRIPT" ] && [ "$SPA_JS_STATUS" = 200 ] || fail "http://web:8080/ does not serve a built front end (index.html and its bundle)" \
  "http://web:8080/ 提供的不是构建好的前端（index.html 和它引用的包）" "index.html + /assets/index-<hash>.js" "HTTP $SPA_PAGE_STATUS ${SPA_SCRIPT:-}"
expect_eq "the application on web:8080" "web:8080 上的应用" vue-shop "${SPA_APP:-$(t "no SHOP_BUILD in the bundle" "包里没有 SHOP_BUILD")}"
case "$SPA_API" in
  http://* | https://*) ;;
  *)
    fail "the Vue shop calls $SPA_API on its own origin (web:8080), where no API is: this step builds it against the API's origin, VITE_API_BASE=http://api-flask:5000/api" \
      "Vue 商城调用的是自己源（web:8080）上的 $SPA_API，那里没有 API：这一步要让它针对 API 自己的源构建，VITE_API_BASE=http://api-flask:5000/api" \
      "http://api-flask:5000/api" "$SPA_API" ;;
esac
host=$(printf '%s' "$SPA_API" | sed -E 's#^https?://([^/:]+).*#\1#')
case "$host" in
  localhost | 127.* | ::1 | 0.0.0.0)
    fail "the bundle calls $SPA_API: localhost is the machine the BROWSER runs on, not the server — the API is unreachable for every user" \
      "包里调用的是 $SPA_API：localhost 指的是浏览器所在的机器，而不是服务器，所有用户都访问不到这个 API" \
      "http://api-flask:5000/api" "$SPA_API" ;;
esac
spa_request "$SPA_API/products"
api=$(spa_header x-shop-api)
[ "$SPA_STATUS" = 200 ] && [ "$api" = flask ] || fail "the browser cannot use $SPA_API/products: HTTP $SPA_STATUS from ${api:-something other than the Flask API}" \
  "浏览器用不了 $SPA_API/products：HTTP $SPA_STATUS，回答的是 ${api:-Flask API 以外的程序}" "HTTP 200, X-Shop-Api: flask" "HTTP $SPA_STATUS, X-Shop-Api: ${api:-none}"
pass "web:8080 serves the Vue shop, built to call the Flask API at $SPA_API" \
  "web:8080 提供 Vue 商城，构建时指定调用 $SPA_API 上的 Flask API"
