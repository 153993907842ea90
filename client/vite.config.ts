import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";
import wasm from "vite-plugin-wasm";

/** Writes the service worker (sw/sw.js) into the build, after the list of the app shell's
 * files (the page and every hashed asset) and their version, so that the app starts offline. */
function serviceWorker(): Plugin {
  return {
    name: "pluma-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== "index.html" && f !== "sw.js").sort();
      const shell = ["/", ...files.map((f) => `/${f}`)];
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 16);
      const source = readFileSync(new URL("./sw/sw.js", import.meta.url), "utf8");
      this.emitFile({ type: "asset", fileName: "sw.js", source: `const SHELL = ${JSON.stringify(shell)};\nconst VERSION = "${version}";\n${source}` });
    },
  };
}

export default defineConfig({
  plugins: [wasm(), serviceWorker()],
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  // data/palette.json and data/delegations.json are shared with the server, outside this folder.
  server: { fs: { allow: [".", "../data"] }, proxy: { "/api": "http://127.0.0.1:7373", "/sync": { target: "ws://127.0.0.1:7373", ws: true } } },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
