"""Release 1.1.0 of shop-api: adds the field stock. A backward-compatible change (a new field),
so the minor version goes up and every 1.x front end keeps working."""

VERSION = "1.1.0"
CHANGES = "1.1.0: adds stock (integer) to products. 1.0.0: id, name, price (integer cents)."
PRODUCT_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "price", "stock"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "price": {"type": "integer"},
        "stock": {"type": "integer"},
    },
}


def product(p):
    return {"id": p["id"], "name": p["name"], "price": p["price"], "stock": p["stock"]}
