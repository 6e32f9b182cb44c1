# contract: the Flask API runs a 1.x release of at least 1.1.0 (stock), and its REAL answers
# match the OpenAPI contract it serves at /api/openapi.json, and still carry every field of
# 1.0.0 that the deployed front ends read. CORS for the Vue shop survived the deployment.
API=http://api-flask:5000
out=$(API=$API python3 - <<'PY'
import json, os, re, sys, urllib.request, urllib.error

API = os.environ["API"]

def fail(en, zh, expected=None, actual=None):
    """Prints the message in English, then in Chinese (one line each), then expected/actual."""
    print(en)
    print(zh)
    if expected is not None:
        print(f"expected: {expected}\nactual: {actual}")
    sys.exit(1)

def call(path, method="GET", body=None):
    req = urllib.request.Request(API + path, method=method, data=body,
                                 headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        fail(f"the API at {API} did not answer ({e})", f"{API} 上的 API 没有应答（{e}）")

def parse(path, raw):
    try:
        return json.loads(raw)
    except ValueError:
        fail(f"{path} does not answer JSON", f"{path} 的回答不是 JSON", "JSON", raw[:60])

status, raw = call("/api/openapi.json")
if status != 200:
    fail("the API serves no contract at /api/openapi.json", "API 没有在 /api/openapi.json 提供契约", 200, status)
doc = parse("/api/openapi.json", raw)
version = str(doc.get("info", {}).get("version", ""))
m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?", version)
if not str(doc.get("openapi", "")).startswith("3.") or doc.get("info", {}).get("title") != "shop-api" or not m:
    fail("/api/openapi.json is not the shop-api OpenAPI 3 contract with a semantic version",
         "/api/openapi.json 不是带语义化版本号的 shop-api OpenAPI 3 契约", "shop-api, version X.Y.Z", version)
major, minor = int(m.group(1)), int(m.group(2))
if major != 1:
    fail(f"the API runs contract {version}: a new MAJOR version is a breaking change, and the front ends in production speak 1.x (they read price). Deploy a 1.x release",
         f"API 运行的契约版本是 {version}：主版本号变了就是不兼容的修改，而线上的前端说的是 1.x（它们读取 price）。请部署 1.x 的版本",
         "1.x (>= 1.1.0)", version)
if minor < 1:
    fail(f"the API still runs contract {version}, which has no stock: deploy release 1.1.0",
         f"API 运行的仍是契约 {version}，没有 stock：请部署 1.1.0", ">= 1.1.0", version)
schemas = doc.get("components", {}).get("schemas", {})

def check(value, schema, where):
    """A small OpenAPI schema check: $ref, type, required, properties, items."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in schemas:
            fail(f"the contract refers to {name}, which it does not define", f"契约引用了未定义的 {name}")
        return check(value, schemas[name], where)
    kinds = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
             "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
             "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
             "array": lambda v: isinstance(v, list), "object": lambda v: isinstance(v, dict)}
    kind = schema.get("type")
    if kind in kinds and not kinds[kind](value):
        fail(f"a real answer breaks contract {version}: {where} is {json.dumps(value, ensure_ascii=False)}, the contract says {kind}",
             f"真实回答不符合契约 {version}：{where} 是 {json.dumps(value, ensure_ascii=False)}，契约规定是 {kind}",
             f"{where}: {kind}", json.dumps(value, ensure_ascii=False))
    if kind == "object" or "properties" in schema:
        for key in schema.get("required", []):
            if key not in value:
                fail(f"a real answer breaks contract {version}: {where} has no {key}, which the contract requires",
                     f"真实回答不符合契约 {version}：{where} 缺少契约要求的 {key}", key, ", ".join(value))
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(value[key], sub, f"{where}.{key}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            check(item, schema["items"], f"{where}[{i}]")

def response_schema(path, method, code):
    op = doc.get("paths", {}).get(path, {}).get(method, {})
    resp = op.get("responses", {}).get(str(code))
    if resp is None:
        fail(f"the contract says nothing of {method.upper()} {path} answering {code}",
             f"契约里没有 {method.upper()} {path} 返回 {code} 的说明", f"{method} {path} {code}", "-")
    return resp.get("content", {}).get("application/json", {}).get("schema", {})

status, raw = call("/api/products")
products = parse("/api/products", raw)
if status != 200:
    fail("GET /api/products does not answer 200", "GET /api/products 没有返回 200", 200, status)
check(products, response_schema("/api/products", "get", 200), "GET /api/products")
if not products:
    fail("GET /api/products answers an empty list", "GET /api/products 返回空列表")
# What the 1.0 front ends read: still there, with the same types.
v1 = {"type": "object", "required": ["id", "name", "price"],
      "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "price": {"type": "integer"}}}
version_then = version
version = "1.0.0"
check(products, {"type": "array", "items": v1}, "GET /api/products")
version = version_then
pid = products[0]["id"]
status, raw = call(f"/api/products/{pid}")
if status != 200:
    fail(f"GET /api/products/{pid} does not answer 200", f"GET /api/products/{pid} 没有返回 200", 200, status)
check(parse(f"/api/products/{pid}", raw), response_schema("/api/products/{id}", "get", 200), f"GET /api/products/{pid}")
status, raw = call("/api/products/999999")
if status != 404:
    fail("GET /api/products/999999 (no such product) does not answer 404 as the contract says",
         "GET /api/products/999999（不存在的商品）没有按契约返回 404", 404, status)
check(parse("/api/products/999999", raw), response_schema("/api/products/{id}", "get", 404), "GET /api/products/999999")
status, raw = call("/api/cart/items", "POST", json.dumps({"productId": pid, "quantity": 2}).encode())
if status != 201:
    fail("POST /api/cart/items does not answer 201", "POST /api/cart/items 没有返回 201", 201, status)
check(parse("/api/cart/items", raw), response_schema("/api/cart/items", "post", 201), "POST /api/cart/items")
print(version)
PY
) || {
  # The script printed the message (English line, Chinese line), maybe expected:/actual: after.
  en=$(printf '%s\n' "$out" | sed -n 1p)
  zh=$(printf '%s\n' "$out" | sed -n 2p)
  if printf '%s\n' "$out" | grep -q '^expected: '; then
    fail "$en" "${zh:-契约检查失败}" "$(printf '%s\n' "$out" | sed -n 's/^expected: //p')" "$(printf '%s\n' "$out" | sed -n 's/^actual: //p')"
  fi
  fail "$en" "${zh:-契约检查失败}"
}
version=$out
spa_request "$API/api/products" -H 'Origin: http://web:8080'
[ "$(spa_header access-control-allow-origin)" = http://web:8080 ] ||
  fail "contract $version is deployed, but the API no longer allows the Vue shop's origin: the deployment lost the CORS settings" \
    "契约 $version 已经部署，但 API 不再允许 Vue 商城的源：部署时丢掉了 CORS 设置" \
    "Access-Control-Allow-Origin: http://web:8080" "$(spa_header access-control-allow-origin)"
pass "the Flask API runs contract $version; its real answers match the contract it serves and everything 1.0.0 promised" \
  "Flask API 运行契约 $version：真实回答符合它提供的契约，也保留了 1.0.0 承诺的一切"
