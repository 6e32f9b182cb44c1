# cors: the Flask API lets exactly the Vue shop's origin (http://web:8080) call it with
# credentials (the cart cookie): preflight and real answers name that origin (never *), allow
# credentials, and another origin gets no permission. Read from real requests to the API.
FRONT=http://web:8080
spa_bundle "$FRONT/"
[ "$SPA_APP" = vue-shop ] || fail "web:8080 does not serve the Vue shop: do the previous step first" \
  "web:8080 提供的不是 Vue 商城：先完成上一步" vue-shop "${SPA_APP:-none}"
API=$SPA_API
case "$API" in
  http://* | https://*) ;;
  *) fail "the Vue shop on web:8080 calls $API on its own origin: build it against http://api-flask:5000/api (previous step)" \
    "web:8080 上的 Vue 商城调用的是自己源上的 $API：按上一步，针对 http://api-flask:5000/api 构建" ;;
esac

# 1. The preflight a browser sends before the cart's POST (JSON body, credentials: include).
spa_request "$API/cart/items" -X OPTIONS -H "Origin: $FRONT" -H 'Access-Control-Request-Method: POST' \
  -H 'Access-Control-Request-Headers: content-type'
[ "$SPA_STATUS" != 000 ] || fail "the API at $API did not answer" "$API 上的 API 没有应答"
acao=$(spa_header access-control-allow-origin)
acac=$(spa_header access-control-allow-credentials)
[ -n "$acao" ] || fail "the preflight from $FRONT gets no Access-Control-Allow-Origin: the browser blocks the shop's calls. Allow that origin in /etc/shop-api/cors.env, then shop-api restart" \
  "来自 $FRONT 的预检请求没有得到 Access-Control-Allow-Origin：浏览器会拦下商城的调用。在 /etc/shop-api/cors.env 里允许这个源，然后 shop-api restart" \
  "Access-Control-Allow-Origin: $FRONT" "$(t "(none)" "（没有）")"
if [ "$acao" = "*" ]; then
  fail "the API answers Access-Control-Allow-Origin: * — a browser refuses * for a request with credentials (the cart cookie), and * lets every site's pages read the answers. Name the origin: $FRONT" \
    "API 返回 Access-Control-Allow-Origin: *：带凭据（购物车 Cookie）的请求，浏览器不接受 *；而且 * 让任何网站的页面都能读取回答。写明具体的源：$FRONT" \
    "Access-Control-Allow-Origin: $FRONT" "Access-Control-Allow-Origin: * (credentials: ${acac:-false})"
fi
[ "$acao" = "$FRONT" ] || fail "the API allows the origin $acao, but the page's origin is $FRONT (an origin is scheme, host AND port)" \
  "API 允许的源是 $acao，但页面的源是 $FRONT（源 = 协议 + 主机 + 端口）" "$FRONT" "$acao"
[ "$acac" = true ] || fail "the preflight lacks Access-Control-Allow-Credentials: true — the shop sends its cart cookie (credentials: \"include\"), so the browser would drop the answers. Set CORS_ALLOW_CREDENTIALS=true" \
  "预检回答里没有 Access-Control-Allow-Credentials: true：商城要带上购物车 Cookie（credentials: \"include\"），浏览器会丢掉回答。设置 CORS_ALLOW_CREDENTIALS=true" \
  "Access-Control-Allow-Credentials: true" "${acac:-$(t "(none)" "（没有）")}"
case "$SPA_STATUS" in 2??) ;; *) fail "the preflight (OPTIONS) answers HTTP $SPA_STATUS" "预检请求（OPTIONS）返回 HTTP $SPA_STATUS" 204 "$SPA_STATUS" ;; esac
spa_header access-control-allow-methods | grep -qi post || fail "the preflight does not allow POST" "预检回答没有允许 POST" \
  "Access-Control-Allow-Methods: ... POST" "$(spa_header access-control-allow-methods)"

# 2. The real call, as the shop makes it, and the cookie round trip.
spa_request "$API/products" -H "Origin: $FRONT"
[ "$SPA_STATUS" = 200 ] && [ "$(spa_header access-control-allow-origin)" = "$FRONT" ] &&
  [ "$(spa_header access-control-allow-credentials)" = true ] ||
  fail "GET $API/products from $FRONT is not allowed for the browser" "浏览器不允许 $FRONT 读取 GET $API/products 的回答" \
    "200, Access-Control-Allow-Origin: $FRONT, Access-Control-Allow-Credentials: true" \
    "$SPA_STATUS, $(spa_header access-control-allow-origin), $(spa_header access-control-allow-credentials)"

# 3. Another site's page must not get the same permission.
spa_request "$API/products" -H 'Origin: http://evil.example'
other=$(spa_header access-control-allow-origin)
[ -z "$other" ] || fail "the API also lets http://evil.example read its answers (Access-Control-Allow-Origin: $other): allow only the shop's origin" \
  "API 也允许 http://evil.example 读取回答（Access-Control-Allow-Origin: $other）：只允许商城自己的源" \
  "$(t "no Access-Control-Allow-Origin for http://evil.example" "对 http://evil.example 不返回 Access-Control-Allow-Origin")" "$other"
pass "the Flask API allows exactly $FRONT, with credentials; other origins get nothing" \
  "Flask API 只允许 $FRONT 跨源调用（带凭据），其他源一概不允许"
