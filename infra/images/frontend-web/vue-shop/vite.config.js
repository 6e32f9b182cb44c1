// The Vue shop's build. Like the React shop, the API's address is fixed when the front end is
// BUILT: VITE_API_BASE (default: /api on the page's own origin) goes into the bundle, with the
// build's identity, as window.SHOP_BUILD (the lab's checks read it from the bundle served).
/* global process, URL */
import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

export default defineConfig({
  plugins: [vue()],
  define: {
    __SHOP_API_BASE__: JSON.stringify(process.env.VITE_API_BASE || "/api"),
    __SHOP_VERSION__: JSON.stringify(pkg.version),
  },
  build: { outDir: "dist", emptyOutDir: true },
});
