"""Release 2.0.0 of shop-api: price renamed to price_cents. Renaming a field breaks every client
that reads the old name, so the major version goes up: 1.x front ends cannot use it."""

VERSION = "2.0.0"
CHANGES = "2.0.0 (breaking): price renamed to price_cents; stock (integer)."
PRODUCT_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "price_cents", "stock"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "price_cents": {"type": "integer"},
        "stock": {"type": "integer"},
    },
}


def product(p):
    return {"id": p["id"], "name": p["name"], "price_cents": p["price"], "stock": p["stock"]}
