# deploy-frontend (runs on api-node, where it can see the API's process): web:80 serves
# react-shop 1.1.0, index.html is revalidated by browsers (so they pick up the new bundle),
# the shop still reaches the API through nginx, and the Express API is the process that has
# served since the host started (the front end was deployed without touching the back end).
spa_bundle http://web/
[ "$SPA_APP" = react-shop ] || fail "http://web/ does not serve the React shop" "http://web/ 提供的不是 React 商城" react-shop "${SPA_APP:-none}"
[ "$SPA_VERSION" = 1.1.0 ] || fail "web still serves react-shop $SPA_VERSION: build v1.1 (git checkout v1.1) and copy its dist/ to where nginx serves from" \
  "web 提供的仍是 react-shop $SPA_VERSION：构建 v1.1（git checkout v1.1），再把它的 dist/ 复制到 nginx 提供文件的目录" \
  1.1.0 "$SPA_VERSION"
cache=$(printf '%s' "$SPA_INDEX_CACHE" | tr 'A-Z' 'a-z')
case "$cache" in
  *no-cache* | *no-store* | *max-age=0*) ;;
  *)
    fail "index.html is served with Cache-Control: ${SPA_INDEX_CACHE:-(none)} — browsers may keep the old index.html, which names the old bundle, for as long as they like. Serve it with Cache-Control: no-cache (the hashed assets may be cached for a year)" \
      "index.html 的 Cache-Control 是 ${SPA_INDEX_CACHE:-（没有）}：浏览器可以随意长期保留旧的 index.html，而它引用的是旧的包。给它加上 Cache-Control: no-cache（带哈希的资源可以缓存一年）" \
      "Cache-Control: no-cache" "${SPA_INDEX_CACHE:-$(t "(none)" "（没有）")}" ;;
esac
case "$SPA_API" in /*) ;; *) fail "the new bundle calls $SPA_API instead of its own origin's /api" "新的包调用的是 $SPA_API，而不是同源的 /api" /api "$SPA_API" ;; esac
spa_request "http://web$SPA_API/products"
[ "$SPA_STATUS" = 200 ] && [ "$(spa_header x-shop-api)" = express ] || fail "the new front end cannot reach the API through nginx (GET http://web$SPA_API/products: HTTP $SPA_STATUS)" \
  "新前端经 nginx 访问不到 API（GET http://web$SPA_API/products：HTTP $SPA_STATUS）" "$(t "HTTP 200 from express" "express 回答的 HTTP 200")" "HTTP $SPA_STATUS"
printf '%s' "$SPA_BODY" | grep -q '"stock":' || fail "the API's products have no stock, which react-shop 1.1 shows" "API 的商品里没有 react-shop 1.1 要显示的 stock"

# The back end untouched: the process serving :3000 has run since this host started.
pid=$(listener_pids 3000 | head -1)
[ -n "$pid" ] || fail "nothing listens on api-node:3000" "api-node:3000 上没有程序在监听"
api_age=$(ps -o etimes= -p "$pid" | tr -d ' ')
host_age=$(ps -o etimes= -p 1 | tr -d ' ')
if [ $((host_age - api_age)) -gt 60 ]; then
  fail "the Express API (pid $pid) was started again $((host_age - api_age)) s after its host: a front-end release must not restart the back end" \
    "Express API（pid $pid）在主机启动 $((host_age - api_age)) 秒后被重启过：发布前端不应该重启后端" \
    "$(t "running since the host started" "从主机启动起一直运行")" "$(t "restarted" "被重启过")"
fi
pass "react-shop 1.1.0 is live (index.html revalidated, hashed assets cached), and the Express API kept running (pid $pid, up ${api_age} s)" \
  "react-shop 1.1.0 已上线（index.html 每次重新验证，带哈希的资源可以缓存），Express API 一直在运行（pid $pid，已运行 ${api_age} 秒）"
