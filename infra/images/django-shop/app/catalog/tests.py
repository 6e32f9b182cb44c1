"""Run at image build (`python3 manage.py test catalog`): a broken shop never becomes an image."""
import os
import re

from django.test import TestCase

from .models import Product


class ShopTests(TestCase):
    fixtures = ["products"]

    def test_product_list_reads_the_database(self):
        Product.objects.create(sku="SKU-9999", name="Test probe", price="1.00", stock=1)
        r = self.client.get("/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Mechanical keyboard")
        self.assertContains(r, "Test probe")
        self.assertContains(r, "/static/catalog/shop.css")
        self.assertEqual(r["X-Shop-Pid"], str(os.getpid()))

    def test_slow_page_validates_and_sleeps(self):
        self.assertEqual(self.client.get("/slow/?seconds=x").status_code, 400)
        self.assertEqual(self.client.get("/slow/?seconds=11").status_code, 400)
        r = self.client.get("/slow/?seconds=0.2")
        m = re.search(r"in process (\d+) from ([0-9.]+) to ([0-9.]+)", r.content.decode())
        self.assertEqual(m.group(1), str(os.getpid()))
        self.assertGreaterEqual(float(m.group(3)) - float(m.group(2)), 0.2)

    def test_wsgi_page_shows_environ(self):
        r = self.client.get("/wsgi/")
        self.assertContains(r, "REQUEST_METHOD = 'GET'")
        self.assertContains(r, "wsgi.version")

    def test_no_static_files_from_django(self):
        # DEBUG is off: Django does not serve /static/ (nginx does, from STATIC_ROOT).
        self.assertEqual(self.client.get("/static/catalog/shop.css").status_code, 404)
