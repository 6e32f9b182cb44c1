import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App.jsx";

// What this build is and which API it calls: fixed when the bundle was built.
window.SHOP_BUILD = { api: __SHOP_API_BASE__, app: "react-shop", version: __SHOP_VERSION__ };

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App api={window.SHOP_BUILD.api} />
  </StrictMode>,
);
