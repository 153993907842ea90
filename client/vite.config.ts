import { defineConfig } from "vitest/config";
import wasm from "vite-plugin-wasm";

export default defineConfig({
  plugins: [wasm()],
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  // data/palette.json and data/delegations.json are shared with the server, outside this folder.
  server: { fs: { allow: [".", "../data"] }, proxy: { "/api": "http://127.0.0.1:7373", "/sync": { target: "ws://127.0.0.1:7373", ws: true } } },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
