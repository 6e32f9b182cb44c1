import { useEffect, useState } from "react";

const yuan = (cents) => (cents / 100).toFixed(2);

// The shop's product list. It speaks the API contract "shop-api 1.x": GET {api}/products and
// POST {api}/cart/items (JSON; the cart is a cookie, so requests carry credentials).
export default function App({ api }) {
  const [products, setProducts] = useState([]);
  const [cart, setCart] = useState(0);
  const [error, setError] = useState("");

  useEffect(() => {
    fetch(`${api}/products`, { credentials: "include" })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then(setProducts)
      .catch((err) => setError(`${api}/products: ${err.message}`));
  }, [api]);

  const add = (id) =>
    fetch(`${api}/cart/items`, {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ productId: id, quantity: 1 }),
    })
      .then((res) => res.json())
      .then((body) => setCart(body.count))
      .catch((err) => setError(`${api}/cart/items: ${err.message}`));

  return (
    <main>
      <h1>Shop</h1>
      {error && <p className="error">{error}</p>}
      <ul>
        {products.map((p) => (
          <li key={p.id}>
            {p.name} ¥{yuan(p.price)} <button onClick={() => add(p.id)}>+</button>
          </li>
        ))}
      </ul>
      <p>cart: {cart}</p>
      <footer>react-shop {window.SHOP_BUILD.version}</footer>
    </main>
  );
}
