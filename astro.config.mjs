// The course site: Astro + MDX, built to dist/ and served by `archlab serve` together with the
// lab API and terminal WebSocket. Code is highlighted by Shiki with a light and a dark theme.
import mdx from "@astrojs/mdx";
import { defineConfig } from "astro/config";
import { codeBlockHost } from "./src/markdown/code-block-host.mjs";

export default defineConfig({
  integrations: [mdx()],
  outDir: "./dist",
  trailingSlash: "ignore",
  markdown: {
    shikiConfig: {
      themes: { light: "github-light", dark: "github-dark" },
      transformers: [codeBlockHost],
    },
  },
  vite: {
    // The lab engine modules read labs/ at build time; keep them out of the browser bundle.
    ssr: { external: ["dockerode", "better-sqlite3"] },
  },
});
