# same-origin: the React shop served by web:80 calls its API on its own origin (a relative
# base such as /api, read from the bundle served), and nginx proxies that path to the Express
# API on api-node: the answers come from Express (X-Shop-Api), /api kept in the path.
spa_bundle http://web/
[ "$SPA_APP" = react-shop ] || fail "http://web/ no longer serves the React shop's build: do the previous step first" \
  "http://web/ 提供的不再是 React 商城的构建产物：先完成上一步" react-shop "${SPA_APP:-none}"
case "$SPA_API" in
  /*) ;;
  *)
    fail "the bundle served calls its API at $SPA_API — an address fixed at build time that each user's browser would resolve on ITS machine. For one origin, build without VITE_API_BASE (the default /api) and let nginx proxy it" \
      "发布的包把 API 地址写死成了 $SPA_API：这是构建时定下的地址，用户的浏览器会在它自己的机器上解析。要同源，就不设 VITE_API_BASE 重新构建（默认 /api），由 nginx 代理" \
      "/api" "$SPA_API" ;;
esac
spa_request "http://web$SPA_API/products" -H 'Origin: http://web'
case "$SPA_STATUS" in
  000) fail "http://web$SPA_API/products did not answer" "http://web$SPA_API/products 没有应答" ;;
  502 | 504)
    fail "nginx answers http://web$SPA_API/products with HTTP $SPA_STATUS: its upstream is not the API (the API runs on api-node:3000, not on web itself)" \
      "nginx 对 http://web$SPA_API/products 返回 HTTP $SPA_STATUS：它的上游不是 API（API 在 api-node:3000 上，不在 web 本机）" \
      "$(t "200 from api-node:3000" "api-node:3000 回答的 200")" "$SPA_STATUS" ;;
esac
api=$(spa_header x-shop-api)
if [ "$api" != express ]; then
  if printf '%s' "$SPA_BODY" | grep -q '<div id="root">'; then
    fail "http://web$SPA_API/products is answered with the shop's index.html (try_files), not by the API: add a location for $SPA_API/ that proxies to http://api-node:3000" \
      "http://web$SPA_API/products 返回的是商城的 index.html（try_files），不是 API：为 $SPA_API/ 加一个 location，代理到 http://api-node:3000" \
      "X-Shop-Api: express" "$(t "index.html from disk" "磁盘上的 index.html")"
  fi
  fail "http://web$SPA_API/products is not answered by the Express API on api-node" \
    "http://web$SPA_API/products 不是 api-node 上的 Express API 回答的" "X-Shop-Api: express" "X-Shop-Api: ${api:-none} (HTTP $SPA_STATUS)"
fi
if [ "$SPA_STATUS" = 404 ]; then
  fail "the Express API answers 404 ($(printf '%s' "$SPA_BODY" | head -c 80)): nginx strips $SPA_API from the path. proxy_pass http://api-node:3000; (no trailing /) keeps the path as the browser sent it" \
    "Express API 返回 404（$(printf '%s' "$SPA_BODY" | head -c 80)）：nginx 把路径里的 $SPA_API 去掉了。proxy_pass http://api-node:3000;（末尾不带 /）会原样保留浏览器发来的路径" \
    "$(t "GET /api/products reaching the API" "API 收到 GET /api/products")" "HTTP 404"
fi
expect_eq "HTTP status of GET http://web$SPA_API/products" "GET http://web$SPA_API/products 的状态码" 200 "$SPA_STATUS"
printf '%s' "$SPA_BODY" | grep -q '"id":1001' || fail "the API's answer is not the product list" "API 的回答不是商品列表" \
  '[{"id":1001,...}]' "$(printf '%s' "$SPA_BODY" | head -c 80)"
spa_request "http://web$SPA_API/cart/items" -X POST -H 'Origin: http://web' -H 'Content-Type: application/json' \
  --data '{"productId":1001,"quantity":1}'
expect_eq "HTTP status of POST http://web$SPA_API/cart/items through nginx" "经 nginx 的 POST http://web$SPA_API/cart/items 的状态码" 201 "$SPA_STATUS"
pass "one origin: the React shop calls $SPA_API on http://web and nginx proxies it to the Express API (no CORS needed)" \
  "同源：React 商城调用 http://web 上的 $SPA_API，nginx 把它代理给 Express API（不需要 CORS）"
