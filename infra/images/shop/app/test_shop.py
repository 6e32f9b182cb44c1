"""Tests of shop.py over real HTTP (standard library only): python3 -m unittest -v test_shop"""

import json
import threading
import time
import unittest
import urllib.error
import urllib.request

import shop


class ShopTest(unittest.TestCase):
    def setUp(self):
        self.server = shop.make_server(port=0, bind="127.0.0.1", instance="test-1", banner="spring sale")
        self.server.RequestHandlerClass.log_message = lambda *args: None  # quiet tests
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status, json.loads(res.read()), res.headers
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read()), err.headers

    def test_health_names_the_instance(self):
        status, body, headers = self.call("GET", "/health")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["instance"], "test-1")
        self.assertEqual(body["version"], shop.VERSION)
        self.assertEqual(headers["X-Shop-Instance"], "test-1")
        self.assertEqual(body["banner"], "spring sale")

    def test_products_are_seeded(self):
        status, body, _ = self.call("GET", "/products")
        self.assertEqual(status, 200)
        self.assertGreaterEqual(len(body["products"]), 3)
        status, product, _ = self.call("GET", "/products/1")
        self.assertEqual((status, product["id"]), (200, 1))
        self.assertEqual(self.call("GET", "/products/999")[0], 404)

    def test_cart_to_order_takes_stock(self):
        stock = self.call("GET", "/products/3")[1]["stock"]
        status, cart, _ = self.call("POST", "/carts")
        self.assertEqual(status, 201)
        status, cart, _ = self.call("POST", f"/carts/{cart['id']}/items", {"product_id": 3, "quantity": 2})
        self.assertEqual(status, 200)
        self.assertEqual(cart["total_cents"], 2 * cart["items"][0]["price_cents"])
        status, order, _ = self.call("POST", "/orders", {"cart_id": cart["id"]})
        self.assertEqual(status, 201)
        self.assertEqual(order["status"], "placed")
        self.assertEqual(self.call("GET", "/products/3")[1]["stock"], stock - 2)
        self.assertEqual(self.call("GET", f"/carts/{cart['id']}")[1]["items"], [])
        self.assertEqual(self.call("GET", f"/orders/{order['id']}")[1]["id"], order["id"])
        self.assertEqual(len(self.call("GET", "/orders")[1]["orders"]), 1)
        # An empty cart cannot be ordered again.
        self.assertEqual(self.call("POST", "/orders", {"cart_id": cart["id"]})[0], 409)

    def test_cart_rejects_bad_input(self):
        cart = self.call("POST", "/carts")[1]
        path = f"/carts/{cart['id']}/items"
        self.assertEqual(self.call("POST", path, {"product_id": 3, "quantity": 10_000})[0], 409)
        self.assertEqual(self.call("POST", path, {"product_id": "3"})[0], 400)
        self.assertEqual(self.call("POST", path, {"product_id": 42})[0], 404)
        self.assertEqual(self.call("POST", "/carts/nope/items", {"product_id": 1})[0], 404)
        self.assertEqual(self.call("DELETE", f"{path}/1")[0], 404)
        self.call("POST", path, {"product_id": 1})
        self.assertEqual(self.call("DELETE", f"{path}/1")[1]["items"], [])
        req = urllib.request.Request(self.base + "/orders", data=b"{not json", method="POST")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(ctx.exception.code, 400)

    def test_unknown_paths_and_methods(self):
        self.assertEqual(self.call("GET", "/nope")[0], 404)
        self.assertEqual(self.call("DELETE", "/products")[0], 405)

    def test_fail_and_recover(self):
        self.assertEqual(self.call("POST", "/admin/fail")[1]["failing"], True)
        status, body, _ = self.call("GET", "/health")
        self.assertEqual((status, body["status"], body["instance"]), (503, "failing", "test-1"))
        self.assertEqual(self.call("GET", "/products")[0], 503)
        self.call("POST", "/admin/recover")
        self.assertEqual(self.call("GET", "/health")[0], 200)

    def test_fail_for_a_while_ends_by_itself(self):
        self.call("POST", "/admin/fail", {"seconds": 0.5})
        self.assertEqual(self.call("GET", "/health")[0], 503)
        time.sleep(0.6)
        self.assertEqual(self.call("GET", "/health")[0], 200)
        self.assertEqual(self.call("POST", "/admin/fail", {"seconds": "x"})[0], 400)

    def test_served_counts_shop_requests_but_not_health(self):
        self.call("GET", "/health")
        self.call("GET", "/products")
        self.call("GET", "/products/2")
        self.assertEqual(self.call("GET", "/admin/state")[1]["served"], 2)

    def test_delay_slows_requests_then_expires(self):
        self.call("POST", "/admin/delay", {"ms": 300, "seconds": 1})
        t0 = time.monotonic()
        self.call("GET", "/health")
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        time.sleep(1.1)
        t0 = time.monotonic()
        self.call("GET", "/health")
        self.assertLess(time.monotonic() - t0, 0.25)
        self.assertEqual(self.call("POST", "/admin/delay", {"ms": -1})[0], 400)

    def test_slow_requests_do_not_block_others(self):
        self.call("POST", "/admin/delay", {"ms": 500})
        threads = [threading.Thread(target=self.call, args=("GET", "/health")) for _ in range(4)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertLess(time.monotonic() - t0, 1.5)


if __name__ == "__main__":
    unittest.main()
