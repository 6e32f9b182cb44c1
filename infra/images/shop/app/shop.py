#!/usr/bin/env python3
"""shop.py: the archlab shop, a small e-commerce JSON API (Python 3 standard library only).

The labs put it behind load balancers and into images, so it is small, dependency-free and
tells you which instance answered.

Run
    python3 shop.py                      # listens on 0.0.0.0:8000
    SHOP_PORT=9000 SHOP_INSTANCE=api-1 python3 shop.py

Environment
    SHOP_PORT       port to listen on (default 8000)
    SHOP_BIND       address to listen on (default 0.0.0.0)
    SHOP_INSTANCE   name reported as "instance" (default: the host name, i.e. the container)
    SHOP_DELAY_MS   answer every shop request this much later (default 0): a slow instance

API (JSON in, JSON out; every response also carries the header X-Shop-Instance)
    GET    /                          what this is, and the list of endpoints
    GET    /health                    {"status": "ok", "instance": ..., "version": ...};
                                      503 and "status": "failing" while the instance fails
    GET    /products                  the catalogue (a few seeded products, prices in cents)
    GET    /products/<id>             one product
    POST   /carts                     a new, empty cart -> 201 {"id": "c1", ...}
    GET    /carts/<id>                the cart, its lines and total
    POST   /carts/<id>/items          {"product_id": 1, "quantity": 2} adds to the cart
    DELETE /carts/<id>/items/<pid>    removes a product from the cart
    POST   /orders                    {"cart_id": "c1"} turns the cart into an order (stock
                                      goes down, the cart empties) -> 201
    GET    /orders, /orders/<id>      orders placed on this instance

Demo switches (for load-balancer labs; no authentication, never expose this shop)
    POST   /admin/fail                the instance fails: /health and every shop endpoint
                                      answer 503 (the process keeps running); optional body
                                      {"seconds": 15} ends the failure by itself
    POST   /admin/recover             back to normal
    POST   /admin/delay               {"ms": 2000, "seconds": 10}: every shop request (and
                                      /health) waits ms first, for `seconds` (0: until changed)
    GET    /admin/state               the switches' current values, and "served": how many
                                      shop requests (not /health) this instance has answered

State lives in this process's memory: each instance has its own carts and orders. A cart made
on one instance does not exist on another, which is exactly why a load balancer needs sticky
sessions or the application needs a shared store (Redis, a database) once there are several.
"""

import json
import os
import re
import signal
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# SHOP_VERSION lets one image play several releases (the Kubernetes lab rolls 1.0 -> 2.0).
VERSION = os.environ.get("SHOP_VERSION", "1.0")

SEED_PRODUCTS = [
    {"id": 1, "name": "Mechanical keyboard", "price_cents": 8900, "stock": 25},
    {"id": 2, "name": "USB-C cable (1 m)", "price_cents": 990, "stock": 200},
    {"id": 3, "name": "27-inch monitor", "price_cents": 23900, "stock": 8},
    {"id": 4, "name": "Laptop stand", "price_cents": 3450, "stock": 40},
    {"id": 5, "name": "Noise-cancelling headphones", "price_cents": 15900, "stock": 12},
]

ENDPOINTS = [
    "GET /health",
    "GET /products",
    "GET /products/<id>",
    "POST /carts",
    "GET /carts/<id>",
    "POST /carts/<id>/items",
    "DELETE /carts/<id>/items/<product_id>",
    "POST /orders",
    "GET /orders",
    "GET /orders/<id>",
]


class ShopError(Exception):
    """An error answered to the client as {"error": message} with an HTTP status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Shop:
    """The shop's state: catalogue, carts, orders and the demo switches. Thread-safe."""

    def __init__(self, instance, delay_ms=0, banner=""):
        self.instance = instance
        self.banner = banner  # free text from configuration (SHOP_BANNER), shown in /health
        self.started = time.time()
        self.lock = threading.Lock()
        self.products = {p["id"]: dict(p) for p in SEED_PRODUCTS}
        self.carts = {}
        self.orders = {}
        self.next_cart = 1
        self.next_order = 1
        self.failing = False
        self.failing_until = None  # None: fails until recovered
        self.served = 0  # shop requests answered, /health excepted
        self.delay_ms = delay_ms
        self.delay_until = None  # None: the delay lasts until changed

    # Demo switches -------------------------------------------------------------------------

    def current_delay_ms(self):
        with self.lock:
            if self.delay_until is not None and time.time() >= self.delay_until:
                self.delay_ms, self.delay_until = 0, None
            return self.delay_ms

    def is_failing(self):
        with self.lock:
            if self.failing_until is not None and time.time() >= self.failing_until:
                self.failing, self.failing_until = False, None
            return self.failing

    def set_failing(self, failing, seconds=0):
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise ShopError(HTTPStatus.BAD_REQUEST, "seconds must be a number >= 0")
        with self.lock:
            self.failing = failing
            self.failing_until = time.time() + seconds if seconds and failing else None

    def set_delay(self, ms, seconds=0):
        if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= 60000:
            raise ShopError(HTTPStatus.BAD_REQUEST, "ms must be an integer from 0 to 60000")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
            raise ShopError(HTTPStatus.BAD_REQUEST, "seconds must be a number >= 0")
        with self.lock:
            self.delay_ms = ms
            self.delay_until = time.time() + seconds if seconds and ms else None

    def state(self):
        delay, failing = self.current_delay_ms(), self.is_failing()
        now = time.time()
        with self.lock:
            return {
                "instance": self.instance,
                "failing": failing,
                "failing_seconds_left": _left(self.failing_until, now),
                "delay_ms": delay,
                "delay_seconds_left": _left(self.delay_until, now),
                "served": self.served,
            }

    def health(self):
        failing = self.is_failing()
        with self.lock:
            return {
                "status": "failing" if failing else "ok",
                "instance": self.instance,
                "version": VERSION,
                "banner": self.banner,
                "pid": os.getpid(),
                "uptime_seconds": round(time.time() - self.started, 1),
            }

    # Catalogue, carts, orders --------------------------------------------------------------

    def product(self, product_id):
        product = self.products.get(product_id)
        if product is None:
            raise ShopError(HTTPStatus.NOT_FOUND, f"no product {product_id}")
        return product

    def list_products(self):
        with self.lock:
            return [dict(p) for p in self.products.values()]

    def get_product(self, product_id):
        with self.lock:
            return dict(self.product(product_id))

    def _cart(self, cart_id):
        cart = self.carts.get(cart_id)
        if cart is None:
            raise ShopError(HTTPStatus.NOT_FOUND, f"no cart {cart_id} on instance {self.instance}")
        return cart

    def _cart_view(self, cart_id):
        cart = self._cart(cart_id)
        lines = []
        for product_id, quantity in sorted(cart.items()):
            product = self.products[product_id]
            lines.append(
                {
                    "product_id": product_id,
                    "name": product["name"],
                    "quantity": quantity,
                    "price_cents": product["price_cents"],
                    "subtotal_cents": quantity * product["price_cents"],
                }
            )
        total = sum(line["subtotal_cents"] for line in lines)
        return {"id": cart_id, "items": lines, "total_cents": total, "instance": self.instance}

    def create_cart(self):
        with self.lock:
            cart_id = f"c{self.next_cart}"
            self.next_cart += 1
            self.carts[cart_id] = {}
            return self._cart_view(cart_id)

    def get_cart(self, cart_id):
        with self.lock:
            return self._cart_view(cart_id)

    def add_item(self, cart_id, body):
        product_id = body.get("product_id")
        quantity = body.get("quantity", 1)
        for name, value in (("product_id", product_id), ("quantity", quantity)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ShopError(HTTPStatus.BAD_REQUEST, f"{name} must be a positive integer")
        with self.lock:
            cart = self._cart(cart_id)
            product = self.product(product_id)
            wanted = cart.get(product_id, 0) + quantity
            if wanted > product["stock"]:
                raise ShopError(
                    HTTPStatus.CONFLICT,
                    f"only {product['stock']} of product {product_id} in stock",
                )
            cart[product_id] = wanted
            return self._cart_view(cart_id)

    def remove_item(self, cart_id, product_id):
        with self.lock:
            cart = self._cart(cart_id)
            if cart.pop(product_id, None) is None:
                raise ShopError(HTTPStatus.NOT_FOUND, f"product {product_id} is not in the cart")
            return self._cart_view(cart_id)

    def place_order(self, body):
        cart_id = body.get("cart_id")
        if not isinstance(cart_id, str):
            raise ShopError(HTTPStatus.BAD_REQUEST, "cart_id must be a string such as \"c1\"")
        with self.lock:
            view = self._cart_view(cart_id)
            if not view["items"]:
                raise ShopError(HTTPStatus.CONFLICT, f"cart {cart_id} is empty")
            for line in view["items"]:
                if line["quantity"] > self.products[line["product_id"]]["stock"]:
                    raise ShopError(
                        HTTPStatus.CONFLICT, f"product {line['product_id']} sold out meanwhile"
                    )
            for line in view["items"]:
                self.products[line["product_id"]]["stock"] -= line["quantity"]
            order_id = f"o{self.next_order}"
            self.next_order += 1
            order = {
                "id": order_id,
                "cart_id": cart_id,
                "items": view["items"],
                "total_cents": view["total_cents"],
                "status": "placed",
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "instance": self.instance,
            }
            self.orders[order_id] = order
            self.carts[cart_id] = {}
            return order

    def list_orders(self):
        with self.lock:
            return list(self.orders.values())

    def get_order(self, order_id):
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                raise ShopError(HTTPStatus.NOT_FOUND, f"no order {order_id} on instance {self.instance}")
            return order


def _int(text):
    return int(text)


def _left(until, now):
    return None if until is None else round(max(0.0, until - now), 1)


# (method, path pattern, handler name, is a shop endpoint subject to fail/delay)
ROUTES = [
    ("GET", r"/", "index", False),
    ("GET", r"/health", "health", True),
    ("GET", r"/products", "products", True),
    ("GET", r"/products/(\d+)", "product", True),
    ("POST", r"/carts", "new_cart", True),
    ("GET", r"/carts/([\w-]+)", "cart", True),
    ("POST", r"/carts/([\w-]+)/items", "add_item", True),
    ("DELETE", r"/carts/([\w-]+)/items/(\d+)", "remove_item", True),
    ("POST", r"/orders", "new_order", True),
    ("GET", r"/orders", "orders", True),
    ("GET", r"/orders/([\w-]+)", "order", True),
    ("POST", r"/admin/fail", "admin_fail", False),
    ("POST", r"/admin/recover", "admin_recover", False),
    ("POST", r"/admin/delay", "admin_delay", False),
    ("GET", r"/admin/state", "admin_state", False),
]
COMPILED = [(m, re.compile(p + r"/?\Z"), h, s) for m, p, h, s in ROUTES]


class Handler(BaseHTTPRequestHandler):
    server_version = "archlab-shop/" + VERSION
    shop = None  # set by make_server

    # Plumbing ------------------------------------------------------------------------------

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{self.shop.instance} {self.address_string()} {fmt % args}\n")

    def send_json(self, status, payload):
        body = (json.dumps(payload, indent=2) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Shop-Instance", self.shop.instance)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length == 0:
            return {}
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError as err:
            raise ShopError(HTTPStatus.BAD_REQUEST, f"the body is not JSON: {err}") from None
        if not isinstance(body, dict):
            raise ShopError(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
        return body

    def dispatch(self):
        path = self.path.split("?", 1)[0]
        allowed = []
        for method, pattern, name, guarded in COMPILED:
            match = pattern.match(path)
            if not match:
                continue
            if method != self.command and not (method == "GET" and self.command == "HEAD"):
                allowed.append(method)
                continue
            try:
                if guarded:
                    delay = self.shop.current_delay_ms()
                    if delay:
                        time.sleep(delay / 1000)
                    if self.shop.is_failing():
                        payload = self.shop.health()
                        payload["error"] = "this instance is failing (POST /admin/recover)"
                        return self.send_json(HTTPStatus.SERVICE_UNAVAILABLE, payload)
                    if name != "health":
                        with self.shop.lock:
                            self.shop.served += 1
                status, payload = getattr(self, "do_" + name)(*match.groups())
                return self.send_json(status, payload)
            except ShopError as err:
                return self.send_json(
                    err.status, {"error": err.message, "instance": self.shop.instance}
                )
        if allowed:
            return self.send_json(
                HTTPStatus.METHOD_NOT_ALLOWED,
                {"error": f"{self.command} not allowed here; use {' or '.join(allowed)}"},
            )
        return self.send_json(
            HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}", "endpoints": ENDPOINTS}
        )

    do_GET = do_HEAD = do_POST = do_DELETE = dispatch

    # Endpoints -----------------------------------------------------------------------------

    def do_index(self):
        return HTTPStatus.OK, {
            "service": "archlab shop",
            "version": VERSION,
            "instance": self.shop.instance,
            "endpoints": ENDPOINTS,
        }

    def do_health(self):
        return HTTPStatus.OK, self.shop.health()

    def do_products(self):
        return HTTPStatus.OK, {"products": self.shop.list_products(), "instance": self.shop.instance}

    def do_product(self, product_id):
        return HTTPStatus.OK, self.shop.get_product(_int(product_id))

    def do_new_cart(self):
        return HTTPStatus.CREATED, self.shop.create_cart()

    def do_cart(self, cart_id):
        return HTTPStatus.OK, self.shop.get_cart(cart_id)

    def do_add_item(self, cart_id):
        return HTTPStatus.OK, self.shop.add_item(cart_id, self.read_json())

    def do_remove_item(self, cart_id, product_id):
        return HTTPStatus.OK, self.shop.remove_item(cart_id, _int(product_id))

    def do_new_order(self):
        return HTTPStatus.CREATED, self.shop.place_order(self.read_json())

    def do_orders(self):
        return HTTPStatus.OK, {"orders": self.shop.list_orders(), "instance": self.shop.instance}

    def do_order(self, order_id):
        return HTTPStatus.OK, self.shop.get_order(order_id)

    def do_admin_fail(self):
        self.shop.set_failing(True, self.read_json().get("seconds", 0))
        return HTTPStatus.OK, self.shop.state()

    def do_admin_recover(self):
        self.shop.set_failing(False)
        return HTTPStatus.OK, self.shop.state()

    def do_admin_delay(self):
        body = self.read_json()
        self.shop.set_delay(body.get("ms", 0), body.get("seconds", 0))
        return HTTPStatus.OK, self.shop.state()

    def do_admin_state(self):
        return HTTPStatus.OK, self.shop.state()


class ShopServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(port=8000, bind="0.0.0.0", instance=None, delay_ms=0, banner=""):
    """A ready-to-serve shop (call serve_forever); port 0 picks a free port."""
    shop = Shop(instance or socket.gethostname(), delay_ms, banner)
    handler = type("ShopHandler", (Handler,), {"shop": shop})
    server = ShopServer((bind, port), handler)
    server.shop = shop
    return server


def main():
    # In Kubernetes, a Service named `shop` gives every later pod SHOP_PORT=tcp://IP:PORT (a
    # service link): only a plain number is our port.
    port_text = os.environ.get("SHOP_PORT", "8000")
    port = int(port_text) if port_text.isdigit() else 8000
    bind = os.environ.get("SHOP_BIND", "0.0.0.0")
    instance = os.environ.get("SHOP_INSTANCE") or socket.gethostname()
    delay_ms = int(os.environ.get("SHOP_DELAY_MS", "0"))
    banner = os.environ.get("SHOP_BANNER", "")
    server = make_server(port, bind, instance, delay_ms, banner)
    if os.environ.get("SHOP_FAILING") == "1":
        # A release that is broken from its first second (the readiness-probe lesson).
        server.shop.set_failing(True)

    # As PID 1 in a container, SIGTERM has no default action: handle it, so `docker stop`
    # ends the shop at once and cleanly (exit code 0).
    def stop(signum, _frame):
        print(f"shop {instance}: signal {signum}, shutting down", file=sys.stderr, flush=True)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"shop {VERSION} instance {instance} listening on {bind}:{port}",
        file=sys.stderr,
        flush=True,
    )
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
