// The shop's API for the React front end: Express (Debian's node-express), JSON only, contract
// "shop-api" 1.1.0 served at /api/openapi.json. It knows nothing about the front end: no HTML,
// no build output, no knowledge of where the pages are served from.
/* global process, console */
import crypto from "node:crypto";
import { createRequire } from "node:module";

// Debian installs express under /usr/share/nodejs, which only require() searches.
const express = createRequire(import.meta.url)("express");

const PORT = Number(process.env.PORT || 3000);
const startedAt = new Date().toISOString();

const products = [
  { id: 1001, name: "机械键盘 Mechanical keyboard", price: 39900, stock: 12 },
  { id: 1002, name: "显示器 Monitor", price: 129900, stock: 5 },
  { id: 1003, name: "鼠标 Mouse", price: 9900, stock: 40 },
];
const carts = new Map(); // cart id (cookie) -> [{productId, quantity}]

const product = {
  type: "object",
  required: ["id", "name", "price", "stock"],
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    price: { type: "integer", description: "price in cents (fen)" },
    stock: { type: "integer", description: "added in 1.1.0" },
  },
};
const cart = {
  type: "object",
  required: ["count", "items"],
  properties: {
    count: { type: "integer" },
    items: {
      type: "array",
      items: {
        type: "object",
        required: ["productId", "quantity"],
        properties: { productId: { type: "integer" }, quantity: { type: "integer" } },
      },
    },
  },
};
const json = (schema) => ({ content: { "application/json": { schema } } });
const error = json({ $ref: "#/components/schemas/Error" });
const openapi = {
  openapi: "3.0.3",
  info: { title: "shop-api", version: "1.1.0" },
  paths: {
    "/api/products": {
      get: {
        responses: {
          200: {
            description: "all products",
            ...json({ type: "array", items: { $ref: "#/components/schemas/Product" } }),
          },
        },
      },
    },
    "/api/products/{id}": {
      get: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          200: { description: "one product", ...json({ $ref: "#/components/schemas/Product" }) },
          404: { description: "no such product", ...error },
        },
      },
    },
    "/api/cart/items": {
      post: {
        requestBody: {
          required: true,
          ...json({
            type: "object",
            required: ["productId"],
            properties: { productId: { type: "integer" }, quantity: { type: "integer" } },
          }),
        },
        responses: {
          201: {
            description: "the cart after adding",
            ...json({ $ref: "#/components/schemas/Cart" }),
          },
          400: { description: "bad item", ...error },
        },
      },
    },
  },
  components: {
    schemas: {
      Product: product,
      Cart: cart,
      Error: { type: "object", required: ["error"], properties: { error: { type: "string" } } },
    },
  },
};

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "4kb" }));
app.use((req, res, next) => {
  res.set("X-Shop-Api", "express");
  next();
});

app.get("/api/health", (req, res) =>
  res.json({ status: "ok", api: "express", pid: process.pid, startedAt }),
);
app.get("/api/openapi.json", (req, res) => res.json(openapi));
app.get("/api/products", (req, res) => res.json(products));
app.get("/api/products/:id", (req, res) => {
  const found = products.find((p) => p.id === Number(req.params.id));
  if (!found) return res.status(404).json({ error: "no such product" });
  res.json(found);
});

function cartOf(req, res) {
  const cookie = /(?:^|;\s*)cart=([0-9a-f]{16})/.exec(req.get("Cookie") || "");
  let id = cookie && cookie[1];
  if (!id || !carts.has(id)) {
    id = crypto.randomBytes(8).toString("hex");
    carts.set(id, []);
    res.set("Set-Cookie", `cart=${id}; Path=/; HttpOnly; SameSite=Lax`);
  }
  return carts.get(id);
}
const cartBody = (items) => ({ count: items.reduce((n, i) => n + i.quantity, 0), items });

app.get("/api/cart", (req, res) => res.json(cartBody(cartOf(req, res))));
app.post("/api/cart/items", (req, res) => {
  const { productId, quantity = 1 } = req.body || {};
  if (!Number.isInteger(productId) || !products.some((p) => p.id === productId)) {
    return res.status(400).json({ error: "productId must be the id of a product" });
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
    return res.status(400).json({ error: "quantity must be an integer from 1 to 99" });
  }
  const items = cartOf(req, res);
  items.push({ productId, quantity });
  res.status(201).json(cartBody(items));
});
app.use("/api", (req, res) =>
  res.status(404).json({ error: `no route ${req.method} ${req.path}` }),
);
app.use((req, res) => res.status(404).json({ error: "this server only answers /api/..." }));
app.use((err, req, res, next) => {
  void next;
  res.status(err.status || 500).json({
    error: err.type === "entity.parse.failed" ? "the body is not JSON" : "internal error",
  });
});

app.listen(PORT, "0.0.0.0", () =>
  console.log(`shop-api (express) 1.1.0 on :${PORT}, pid ${process.pid}`),
);
