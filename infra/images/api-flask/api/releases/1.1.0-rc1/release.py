"""Release candidate 1 of 1.1.0: its contract promises stock as an integer, but the code writes
it out as a string (the bug that the release candidate was for finding)."""

VERSION = "1.1.0-rc1"
CHANGES = "1.1.0-rc1: adds stock (integer) to products."
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
    return {"id": p["id"], "name": p["name"], "price": p["price"], "stock": str(p["stock"])}
