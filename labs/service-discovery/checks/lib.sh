# service-discovery's own check helpers (run before each of its checks, after labs/lib/check.sh).

# The shop-client's view (its /stats JSON), and how many requests one shop has served.
stats() { curl -s -m 2 http://client:9000/stats; }
served() { curl -s -m 2 "http://$1:8000/admin/state" | jq -r '.served // 0' 2>/dev/null || echo 0; }

# client_calls_only REGISTRY "SHOP SHOP" HOW_TO_START_EN HOW_TO_START_ZH
# Passes through when shop-client follows REGISTRY, calls exactly those shops, had no failed
# request in the last 3 s, and each of those shops really received its traffic; fails otherwise.
client_calls_only() {
  local registry=$1 want=$2 start_en=$3 start_zh=$4 s failing
  s=$(stats) || fail "shop-client does not answer on client:9000: $start_en" \
    "client:9000 上的 shop-client 没有响应：$start_zh"
  expect_eq "the registry shop-client uses" "shop-client 使用的注册中心" "$registry" "$(jq -r .registry <<<"$s")"
  expect_eq "the instances shop-client calls" "shop-client 调用的实例" "$want" \
    "$(jq -r '.targets | keys | sort | join(" ")' <<<"$s")"
  failing=$(jq -r '.errors_last_3s | join(" ")' <<<"$s")
  [ -z "$failing" ] || fail "requests of shop-client failed in the last 3 s (to: $failing): check again in a moment" \
    "最近 3 秒内 shop-client 有请求失败（目标：$failing）：稍等片刻再检查"
  shops_receive_traffic "$want"
}

# shops_receive_traffic "SHOP SHOP": each of them serves at least 2 requests in 1.5 s.
shops_receive_traffic() {
  local h grew
  declare -A before
  for h in $1; do before[$h]=$(served "$h"); done
  sleep 1.5
  for h in $1; do
    grew=$(($(served "$h") - ${before[$h]}))
    [ "$grew" -ge 2 ] || fail "$h received no traffic from the client in 1.5 s" "1.5 秒内 $h 没有收到客户端的请求" \
      ">= 2 requests" "$grew"
  done
}
