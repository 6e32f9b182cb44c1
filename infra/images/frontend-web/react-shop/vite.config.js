// The React shop's build. Where the shop's API lives is decided when the front end is BUILT:
// VITE_API_BASE (default: /api on the page's own origin) is written into the bundle, and so is
// the build's identity, as window.SHOP_BUILD (the lab's checks read it from the bundle served).
/* global process, URL */
import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

export default defineConfig({
  plugins: [react()],
  define: {
    __SHOP_API_BASE__: JSON.stringify(process.env.VITE_API_BASE || "/api"),
    __SHOP_VERSION__: JSON.stringify(pkg.version),
  },
  build: { outDir: "dist", emptyOutDir: true },
});
