"""The shop's API behind the Vue front end: Flask (Debian's python3-flask) under gunicorn.

The release deployed is the folder /srv/api/current points to (a symlink into releases/): its
release.py says the contract version and how a product is written out; the OpenAPI document at
/api/openapi.json is built from it, so the contract served is the one the code implements.

CORS is decided by /etc/shop-api/cors.env (read when the API starts; `shop-api restart`):
CORS_ALLOW_ORIGINS (comma-separated exact origins, or *) and CORS_ALLOW_CREDENTIALS (true/false).
The API does what it is told, including combinations a browser refuses.
"""

import os
import secrets
import time

from flask import Flask, jsonify, request

import release  # from /srv/api/current (on sys.path through gunicorn --pythonpath)

PRODUCTS = [
    {"id": 1001, "name": "机械键盘 Mechanical keyboard", "price": 39900, "stock": 12},
    {"id": 1002, "name": "显示器 Monitor", "price": 129900, "stock": 5},
    {"id": 1003, "name": "鼠标 Mouse", "price": 9900, "stock": 40},
]
CARTS = {}
STARTED_AT = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

ALLOW_ORIGINS = [o.strip() for o in os.environ.get("CORS_ALLOW_ORIGINS", "").split(",") if o.strip()]
ALLOW_CREDENTIALS = os.environ.get("CORS_ALLOW_CREDENTIALS", "false").strip().lower() == "true"

app = Flask(__name__)
app.json.ensure_ascii = False
app.json.sort_keys = False


def openapi():
    ref = {"$ref": "#/components/schemas/Product"}

    def body(schema):
        return {"content": {"application/json": {"schema": schema}}}

    error = body({"$ref": "#/components/schemas/Error"})
    return {
        "openapi": "3.0.3",
        "info": {"title": "shop-api", "version": release.VERSION, "description": release.CHANGES},
        "paths": {
            "/api/products": {
                "get": {"responses": {"200": {"description": "all products", **body({"type": "array", "items": ref})}}}
            },
            "/api/products/{id}": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "one product", **body(ref)},
                        "404": {"description": "no such product", **error},
                    },
                }
            },
            "/api/cart/items": {
                "post": {
                    "responses": {
                        "201": {"description": "the cart after adding", **body({"$ref": "#/components/schemas/Cart"})},
                        "400": {"description": "bad item", **error},
                    }
                }
            },
        },
        "components": {
            "schemas": {
                "Product": release.PRODUCT_SCHEMA,
                "Cart": {
                    "type": "object",
                    "required": ["count", "items"],
                    "properties": {"count": {"type": "integer"}, "items": {"type": "array"}},
                },
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            }
        },
    }


@app.after_request
def headers(resp):
    resp.headers["X-Shop-Api"] = "flask"
    origin = request.headers.get("Origin")
    if origin and ALLOW_ORIGINS:
        if "*" in ALLOW_ORIGINS:
            resp.headers["Access-Control-Allow-Origin"] = "*"
        elif origin in ALLOW_ORIGINS:
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers.add("Vary", "Origin")
        if "Access-Control-Allow-Origin" in resp.headers:
            if ALLOW_CREDENTIALS:
                resp.headers["Access-Control-Allow-Credentials"] = "true"
            if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
                resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
                resp.headers["Access-Control-Max-Age"] = "600"
    return resp


@app.get("/api/health")
def health():
    return jsonify(status="ok", api="flask", release=release.VERSION, pid=os.getpid(), startedAt=STARTED_AT)


@app.get("/api/openapi.json")
def contract():
    return jsonify(openapi())


@app.get("/api/products")
def products():
    return jsonify([release.product(p) for p in PRODUCTS])


@app.get("/api/products/<int:product_id>")
def one_product(product_id):
    for p in PRODUCTS:
        if p["id"] == product_id:
            return jsonify(release.product(p))
    return jsonify(error="no such product"), 404


def cart_items(resp_cookies):
    cart_id = request.cookies.get("cart")
    if cart_id not in CARTS:
        cart_id = secrets.token_hex(8)
        CARTS[cart_id] = []
        resp_cookies.append(cart_id)
    return CARTS[cart_id]


@app.post("/api/cart/items")
def add_item():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    pid, qty = data.get("productId"), data.get("quantity", 1)
    if not isinstance(pid, int) or all(p["id"] != pid for p in PRODUCTS):
        return jsonify(error="productId must be the id of a product"), 400
    if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= 99:
        return jsonify(error="quantity must be an integer from 1 to 99"), 400
    new = []
    items = cart_items(new)
    items.append({"productId": pid, "quantity": qty})
    resp = jsonify(count=sum(i["quantity"] for i in items), items=items)
    if new:
        resp.set_cookie("cart", new[0], httponly=True, samesite="Lax")
    return resp, 201


@app.errorhandler(404)
def not_found(_err):
    return jsonify(error=f"no route {request.method} {request.path}"), 404
