"""Release 1.0.0 of shop-api: products with id, name and price (in cents)."""

VERSION = "1.0.0"
CHANGES = "1.0.0: products with id, name, price (integer cents)."
PRODUCT_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "price"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "price": {"type": "integer"}},
}


def product(p):
    return {"id": p["id"], "name": p["name"], "price": p["price"]}
