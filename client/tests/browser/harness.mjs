// Shared pieces of the browser tests: a real `pluma serve --demo` on a free port with a
// temporary SQLite database, Debian's Chromium driven by playwright-core, signed-in pages.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, afterEach, before } from "node:test";
import { inflateRawSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const clientDir = resolve(here, "../..");
const repoDir = resolve(clientDir, "..");

export const CHROMIUM = process.env.PLUMA_CHROMIUM ?? "/usr/bin/chromium";

/** Uncaught errors of the pages `signedIn` opened since the last check: every test of a
 * file that uses `withDemoCommunique` fails on any. */
const pageErrors = [];
export const SHOTS = process.env.PLUMA_SCREENSHOTS ?? "";

/** Starts the server; resolves once it prints its address. */
export async function startServer() {
  const bin = process.env.PLUMA_BIN ?? join(repoDir, "target/debug/pluma");
  const dir = mkdtempSync(join(tmpdir(), "pluma-browser-"));
  const child = spawn(bin, ["serve", "--demo", "--listen", "127.0.0.1:0"], {
    cwd: dir,
    env: {
      ...process.env,
      PLUMA_DATABASE_URL: `sqlite:${join(dir, "pluma.db")}`,
      PLUMA_WEB_DIR: join(clientDir, "dist"),
      RUST_LOG: process.env.RUST_LOG ?? "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start:\n${log}`)), 60000);
    child.stdout.on("data", (d) => {
      log += d;
      const m = /Pluma listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.stderr.on("data", (d) => (log += d));
    child.on("exit", (code) => fail(new Error(`the server exited (${code}):\n${log}`)));
  });
  return {
    url,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** Signs in through the API and returns the bearer token. */
export async function token(base, login) {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, password: "pluma-demo" }),
  });
  if (!res.ok) throw new Error(`sign-in of ${login}: ${res.status}`);
  return (await res.json()).token;
}

export async function apiGet(base, tok, path) {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tok}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

/** The demo's Joint Communiqué. */
export async function communique(base) {
  const tok = await token(base, "secretariat");
  const drafts = await apiGet(base, tok, "/api/drafts");
  const d = drafts.find((x) => x.kind === "communique");
  if (!d) throw new Error("the demo has no communiqué");
  return d;
}

/**
 * A new browser context signed in as `login` through the sign-in form, on the draft.
 * `options` go to `browser.newContext` (e.g. `timezoneId`, `locale`, `acceptDownloads`).
 */
export async function signedIn(browser, base, login, draftId, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 }, ...options });
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    console.error(`[${login}] page error: ${e.message}`);
    pageErrors.push(`[${login}] ${e.stack ?? e.message}`);
  });
  await page.goto(`${base}/`);
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "pluma-demo");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]");
  if (draftId) {
    await page.goto(`${base}/#/draft/${draftId}`);
    await page.waitForSelector(".para .text .pm");
    // The workflow lock is known (the text is editable or locked, not yet unknown).
    await page.waitForSelector(".paragraphs[data-lock=open], .paragraphs[data-lock=locked]", { timeout: 15000 });
    await page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 15000 });
  }
  return { context, page };
}

export async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** The editor of paragraph number `n` (0-based, reading order) in `lang`. */
export function editor(page, n, lang) {
  return page.locator(".para").nth(n).locator(`.text[data-lang=${lang}] .pm`);
}

/** Puts the caret at the end of an editor. */
export async function caretToEnd(page, ed) {
  await ed.click();
  await page.keyboard.press("End");
}

/** The draft as the server stores it, read by a separate automerge-repo client. */
export async function serverDoc(base, login, docUrl) {
  const { Repo } = await import("@automerge/automerge-repo");
  const { WebSocketClientAdapter } = await import("@automerge/automerge-repo-network-websocket");
  const tok = await token(base, login);
  const res = await fetch(`${base}/api/sync-tickets`, { method: "POST", headers: { authorization: `Bearer ${tok}` } });
  const { ticket } = await res.json();
  const adapter = new WebSocketClientAdapter(`${base.replace("http", "ws")}/sync?ticket=${ticket}`);
  const repo = new Repo({ network: [adapter] });
  await repo.networkSubsystem.whenReady();
  const handle = await repo.find(docUrl);
  const doc = JSON.parse(JSON.stringify(handle.doc()));
  const A = await import("@automerge/automerge");
  const marks = (pid, lang) => A.marks(handle.doc(), ["paragraphs", pid, "text", lang]);
  const snapshot = doc.order.map((pid) => ({ pid, en: marks(pid, "en"), es: marks(pid, "es") }));
  await repo.shutdown();
  return { doc, snapshot };
}

/** Waits until `f()` is true. */
export async function until(what, f, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await f()) return;
    if (Date.now() > deadline) throw new Error(`waited too long for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Registers the hooks most spec files share: before its tests, a demo server, a browser and
 * the demo communiqué; after them, both closed. `use` receives `{ server, browser, draft }`.
 */
export function withDemoCommunique(use) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
    use({ server, browser, draft: await communique(server.url) });
  });
  afterEach(() => {
    assert.deepEqual(pageErrors.splice(0), [], "no page had an uncaught error");
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/** POSTs JSON with a bearer token; the answer's status and JSON body. */
export async function post(base, tok, path, body) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** The files of a zip archive (stored or deflated), read from its central directory. */
export function unzip(bytes) {
  const buf = Buffer.from(bytes);
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "a zip archive has an end of central directory record");
  const files = new Map();
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return files;
}

