// Browser tests of versions, comparison and export (issue 6): real Chromium against a real
// `pluma serve --demo` (temporary SQLite).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { inflateRawSync } from "node:zlib";
import { caretToEnd, editor, shot, signedIn, token, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

/** The files of a zip archive (stored or deflated), read from its central directory. */
function unzip(bytes) {
  const buf = Buffer.from(bytes);
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "a zip archive has an end of central directory record");
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

async function operativeIndex(page, k) {
  const kinds = await page.locator(".para").evaluateAll((els) => els.map((e) => e.className));
  const first = kinds.findIndex((c) => c.includes("kind-operative"));
  assert.ok(first > 0, "the communiqué has operative paragraphs");
  return first + k;
}

/** A change made by `login`'s own automerge-repo client (as a script or another tool would). */
async function changeAs(base, login, docUrl, f) {
  const { Repo } = await import("@automerge/automerge-repo");
  const { WebSocketClientAdapter } = await import("@automerge/automerge-repo-network-websocket");
  const tok = await token(base, login);
  const res = await fetch(`${base}/api/sync-tickets`, { method: "POST", headers: { authorization: `Bearer ${tok}` } });
  const { ticket } = await res.json();
  const repo = new Repo({ network: [new WebSocketClientAdapter(`${base.replace("http", "ws")}/sync?ticket=${ticket}`)] });
  await repo.networkSubsystem.whenReady();
  const storageId = repo.getStorageIdOfPeer(repo.peers[0]);
  const handle = await repo.find(docUrl);
  handle.change(f);
  const same = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
  await until("the change stored by the server", () => same(handle.getSyncInfo(storageId)?.lastHeads ?? [], handle.heads()));
  await repo.shutdown();
}

async function saveVersion(page, label) {
  await page.click("[data-testid=tab-versions]");
  await page.fill("[data-testid=version-label]", label);
  await page.click("[data-testid=save-version]");
  await page.locator(`[data-testid=version] .v-label:text-is("${label}")`).waitFor({ timeout: 10000 });
}

/** The secretariat saves a first version; the list shows who saved it, their delegation
 * and when. */
async function secretariatSavesTheFirstVersion({ sec }) {
  await saveVersion(sec.page, "Sent to capitals");
  // The list shows who saved it, their delegation and when.
  const first = sec.page.locator("[data-testid=version]").first();
  assert.match(await first.innerText(), /Saved by Technical Secretariat/);
  assert.ok((await first.locator("[data-testid=version-time]").innerText()).length > 5);
}

/** Mexico proposes an insertion (suggesting mode); Argentina's chair deletes a word directly,
 * and brackets the third operative paragraph; the secretariat sees both edits, Mexico's in
 * its proposals' colour. */
async function mexicoProposesAndTheChairEdits(v) {
  const { sec, mx, chair, n } = v;
  await caretToEnd(mx.page, editor(mx.page, n, "en"));
  await mx.page.keyboard.press("Control+End");
  await mx.page.keyboard.press("ArrowLeft");
  await mx.page.keyboard.type(" by 2030");
  const original = await editor(chair.page, n + 1, "en").innerText();
  const word = original.split(" ")[0];
  await chair.page.click("[data-testid=mode-editing]");
  await editor(chair.page, n + 1, "en").click();
  await chair.page.keyboard.press("Control+Home");
  const selected = () => chair.page.evaluate(() => String(window.getSelection()));
  for (let i = 0; i < 30 && (await selected()) !== `${word} `; i++) await chair.page.keyboard.press("Shift+ArrowRight");
  assert.equal(await selected(), `${word} `);
  await chair.page.keyboard.press("Backspace");
  for (const p of [mx.page, chair.page]) await p.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 10000 });
  // The chair also brackets the third operative paragraph.
  const bracketed = await sec.page.locator(".para").nth(n + 2).getAttribute("data-paragraph");
  const { ImmutableString } = await import("@automerge/automerge");
  await changeAs(server.url, "ar-chair", draft.url, (d) => {
    d.paragraphs[bracketed].status = new ImmutableString("bracketed");
  });
  await until("both edits at the secretariat", async () =>
    (await editor(sec.page, n, "en").innerText()).includes(" by 2030") && !(await editor(sec.page, n + 1, "en").innerText()).startsWith(`${word} `));
  // (Read again while the editor redraws the mark: a detached element has no style.)
  let proposalColour = "";
  await until("Mexico's colour at the secretariat", async () =>
    (proposalColour = await sec.page.locator(".para").nth(n).locator("ins.sg[data-country=MX]").first().evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim())) !== "");
  Object.assign(v, { original, word, bracketed, proposalColour });
}

/** The second version saved is listed first, newest first. */
async function theSecondVersionListedFirst({ sec }) {
  await saveVersion(sec.page, "After the Mexico proposal");
  await shot(sec.page, "versions-panel");
  assert.equal(await sec.page.locator("[data-testid=version]").count(), 2);
  // Newest first.
  assert.equal(await sec.page.locator("[data-testid=version] .v-label").first().innerText(), "After the Mexico proposal");
}

/** The two saved versions compared, in English: a redline crediting each change to its
 * country in the proposals' colours, the pending proposal told apart from the direct
 * change, the status change listed; in Spanish, only the status change. */
async function theRedlineCreditsEachCountry({ sec, word, bracketed, proposalColour }) {
  await sec.page.locator("[data-testid=version]").first().locator("[data-testid=compare-previous]").click();
  const view = sec.page.locator("[data-testid=compare-view]");
  await view.locator("[data-testid=comparison]").waitFor({ timeout: 10000 });
  await sec.page.click("[data-testid=compare-lang-en]");
  const ins = view.locator("ins.sg[data-country=MX]");
  await until("Mexico's insertion in the redline", async () => (await ins.allTextContents()).join("").includes("by 2030"));
  const del = view.locator("del.sg[data-country=AR]");
  const redline = async () => view.locator(".cmp-para").evaluateAll((els) => els.map((e) => e.innerHTML).join("\n"));
  assert.equal((await del.allTextContents()).join("").trim(), word, await redline());
  // The colours are the proposals' colours; the code is shown beside the change.
  assert.equal(await ins.first().evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim()), proposalColour);
  assert.match(await ins.first().getAttribute("title"), /Inserted by Mexico/);
  assert.match(await del.first().getAttribute("title"), /Deleted by Argentina/);
  // Mexico's insertion is still a proposal, Argentina's deletion a change made to the text:
  // told apart, with a key.
  assert.equal(await ins.first().getAttribute("data-pending"), "true");
  assert.match(await ins.first().getAttribute("title"), /proposed, not yet accepted/);
  assert.equal(await del.first().getAttribute("data-pending"), null);
  await view.locator("[data-testid=cmp-key]").waitFor();
  const legend = view.locator("[data-testid=cmp-legend]");
  assert.match(await legend.innerText(), /Mexico/);
  assert.match(await legend.innerText(), /Argentina/);
  assert.match(await view.locator("[data-testid=cmp-summary]").innerText(), /2 changed · 1 status change$/);
  // The status change is listed, and shown on its paragraph.
  assert.match(await view.locator("[data-testid=cmp-notes]").innerText(), /OP 3: Open → Bracketed/);
  assert.match(await view.locator(`.cmp-para[data-paragraph=${bracketed}] [data-testid=cmp-status]`).innerText(), /Open\s*→\s*Bracketed/);
  // Only the changed paragraphs are shown by default; all of them on request.
  assert.equal(await view.locator(".cmp-para").count(), 3);
  await shot(sec.page, "compare-view");
  await view.locator("[data-testid=only-changed]").uncheck();
  assert.ok((await view.locator(".cmp-para").count()) > 2);
  // The Spanish text did not change; the status change holds in both languages.
  await sec.page.click("[data-testid=compare-lang-es]");
  await until("the Spanish comparison", async () => /Spanish text/.test(await view.locator(".cmp-heading").innerText()));
  assert.equal(await view.locator("ins.sg, del.sg").count(), 0);
  assert.match(await view.locator("[data-testid=cmp-notes]").innerText(), /OP 3: Open → Bracketed/);
  await sec.page.click("[data-testid=compare-close]");
  await view.waitFor({ state: "detached" });
}

/** Export: the newer version as clean Word (pending proposals left out, the chair's direct
 * deletion applied), the current text with tracked changes and as Markdown; returns the
 * export dialog, still open. */
async function theExportsDownloadAsRealFiles({ sec, original, word }) {
  await sec.page.locator("[data-testid=version]").first().locator("[data-testid=export-version]").click();
  const dialog = sec.page.locator("[data-testid=export-dialog]");
  await dialog.waitFor();
  await sec.page.click("[data-testid=export-lang-en]");
  const [clean] = await Promise.all([sec.page.waitForEvent("download"), sec.page.click("[data-testid=export-docx]")]);
  assert.match(clean.suggestedFilename(), /\.docx$/);
  const cleanFiles = unzip(readFileSync(await clean.path()));
  assert.ok(cleanFiles.has("word/document.xml"), [...cleanFiles.keys()].join(", "));
  // Clean: pending proposals left out, the chair's direct deletion applied.
  const cleanXml = cleanFiles.get("word/document.xml");
  assert.ok(!cleanXml.includes("by 2030"), "a pending insertion is not in the clean text");
  const kept = original.slice(word.length + 1, word.length + 25);
  assert.ok(cleanXml.includes(kept), `the edited paragraph (${kept}) is in the clean text`);
  await shot(sec.page, "export-dialog");
  await sec.page.selectOption("[data-testid=export-which]", "current");
  const [tracked] = await Promise.all([sec.page.waitForEvent("download"), sec.page.click("[data-testid=export-docx-tracked]")]);
  const doc = unzip(readFileSync(await tracked.path())).get("word/document.xml");
  assert.match(doc, /<w:ins [^>]*w:author="Mexico"/);
  const [md] = await Promise.all([sec.page.waitForEvent("download"), sec.page.click("[data-testid=export-md]")]);
  assert.match(md.suggestedFilename(), /-en-current-text\.md$/);
  assert.ok(readFileSync(await md.path(), "utf8").includes("by 2030"));
  assert.match(await dialog.locator("[data-testid=export-status]").innerText(), /Downloaded/);
  return dialog;
}

/** A refusal from the server reaches the person in words, in the export dialog. */
async function aRefusedExportIsExplained({ sec }, dialog) {
  await sec.page.route("**/export?**", (route) =>
    route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify({ error: "no version v0000000000000000 of this draft" }) }));
  await sec.page.click("[data-testid=export-html]");
  await until("the refusal shown", async () => /The request failed: no version v0000000000000000/.test(await dialog.locator("[data-testid=export-status]").innerText()));
  await sec.page.unroute("**/export?**");
  await sec.page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
}

/// Versions saved around a delegate's proposal and a chair's deletion compare into a redline
/// that credits each change to its country in the proposals' colours; the exports download
/// as real files, and a refused export is explained in words.
test("save versions, compare them, export them", async () => {
  const sec = await signedIn(browser, server.url, "secretariat", draft.id);
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id);
  const v = { sec, mx, chair, n: await operativeIndex(mx.page, 0) };

  await secretariatSavesTheFirstVersion(v);
  await mexicoProposesAndTheChairEdits(v);
  await theSecondVersionListedFirst(v);
  await theRedlineCreditsEachCountry(v);
  const dialog = await theExportsDownloadAsRealFiles(v);
  await aRefusedExportIsExplained(v, dialog);

  // An empty name is explained, not sent.
  await sec.page.fill("[data-testid=version-label]", "   ");
  await sec.page.click("[data-testid=save-version]");
  assert.match(await sec.page.locator("[data-testid=versions-message]").innerText(), /Give the version a name/);
  for (const c of [sec, mx, chair]) await c.context.close();
});

/// The history panel and the compare view speak Spanish too.
test("versions and comparison in Spanish", async () => {
  const ar = await signedIn(browser, server.url, "ar", draft.id);
  await ar.page.click("[data-lang=es]");
  await ar.page.waitForSelector(".para .text .pm");
  await ar.page.click("[data-testid=tab-versions]");
  assert.match(await ar.page.locator(".versions-panel").innerText(), /Guardar versión/);
  await saveVersion(ar.page, "Versión de Argentina");
  assert.match(await ar.page.locator("[data-testid=version]").first().innerText(), /Guardada por/);
  await ar.page.locator("[data-testid=version]").first().locator("[data-testid=compare-current]").click();
  const view = ar.page.locator("[data-testid=compare-view]");
  await view.locator("[data-testid=comparison]").waitFor({ timeout: 10000 });
  assert.match(await view.innerText(), /Volver al borrador/);
  assert.match(await view.innerText(), /Texto actual/);
  await shot(ar.page, "compare-view-es");
  await ar.context.close();
});
