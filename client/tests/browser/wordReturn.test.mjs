// Browser test: the secretariat brings back Peru's Word file, marked up in LibreOffice with
// change recording on, through "Bring back a Word file"; Peru's proposals appear in Peru's
// colour in every open browser (the secretariat's, Peru's, Mexico's), and the dialog says
// what was made. Needs LibreOffice and its Python bridge (scripts/install-libreoffice);
// skipped loudly without them unless PLUMA_REQUIRE_LIBREOFFICE is set.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { clientDir, shot, signedIn, token, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

const PYTHON = process.env.PLUMA_UNO_PYTHON ?? "/usr/bin/python3";

/** soffice, if LibreOffice and its Python bridge are there. */
function libreOffice() {
  const which = spawnSync("sh", ["-c", "command -v soffice"], { encoding: "utf8" });
  const bridge = spawnSync(PYTHON, ["-c", "import uno"]);
  if (which.status === 0 && bridge.status === 0) return which.stdout.trim();
  if (process.env.PLUMA_REQUIRE_LIBREOFFICE) throw new Error("LibreOffice or python3-uno is missing: run scripts/install-libreoffice");
  console.error("\n*** SKIPPED: LibreOffice or its Python bridge is not installed; the Word return browser test did not run. ***\n");
  return null;
}

/** Peru's legal office: the current text exported as Word, marked up in LibreOffice. */
async function perusFile(soffice, dir) {
  const tok = await token(server.url, "pe");
  const res = await fetch(`${server.url}/api/drafts/${draft.id}/export?version=current&lang=en&format=docx`, { headers: { authorization: `Bearer ${tok}` } });
  assert.equal(res.status, 200);
  const sent = join(dir, "sent.docx");
  const back = join(dir, "Communique-PE.docx");
  writeFileSync(sent, Buffer.from(await res.arrayBuffer()));
  const edits = join(dir, "edits.json");
  writeFileSync(edits, JSON.stringify({ author: "Peru — Legal Office", record: true, edits: [
    { op: "replace", find: "permanent channel", with: "permanent and secure channel" },
    { op: "replace", find: "joint training", with: "training" },
    { op: "paragraph_after", find: "xenophobic narratives", text: "Invite observers to report on progress at the next meeting." },
    { op: "comment", find: "border officials", text: "Which officials?" },
  ] }));
  execFileSync(PYTHON, [resolve(clientDir, "../tests/lo/edit_docx.py"), soffice, sent, back, edits], { stdio: "inherit" });
  return back;
}

test("the secretariat brings back Peru's Word file; every browser shows Peru's proposals in Peru's colour", async () => {
  const soffice = libreOffice();
  if (!soffice) return;
  const dir = mkdtempSync(join(tmpdir(), "pluma-return-"));
  try {
    const file = await perusFile(soffice, dir);
    const sec = await signedIn(browser, server.url, "secretariat", draft.id);
    const pe = await signedIn(browser, server.url, "pe", draft.id);
    const mx = await signedIn(browser, server.url, "mx", draft.id);

    // Peru's own view offers its own files only; Mexico's none of Peru's.
    await pe.page.click("[data-testid=return-open]");
    assert.equal(await pe.page.locator("[data-testid=return-as]").count(), 0);
    await pe.page.locator("[data-testid=return-dialog] button.close").click();

    await sec.page.click("[data-testid=return-open]");
    await sec.page.selectOption("[data-testid=return-as]", "PE");
    await sec.page.setInputFiles("[data-testid=return-file]", file);
    await sec.page.click("[data-testid=return-send]");
    const report = sec.page.locator("[data-testid=return-report]");
    await report.waitFor({ timeout: 30000 });
    assert.equal(await report.getAttribute("data-proposals"), "3");
    assert.equal(await report.getAttribute("data-comments"), "1");
    assert.match(await sec.page.locator("[data-testid=return-summary]").innerText(), /Peru|Perú/);
    await shot(sec.page, "word-return-report");
    await sec.page.locator("[data-testid=return-dialog] button.close").click();

    const colour = (loc) => loc.evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim());
    const colours = [];
    for (const { page } of [sec, pe, mx]) {
      const ins = page.locator(".text[data-lang=en] ins.sg[data-country=PE]");
      const del = page.locator(".text[data-lang=en] del.sg[data-country=PE]");
      await until("Peru's proposals to be drawn", async () => (await ins.count()) > 0 && (await del.count()) > 0, 15000);
      const inserted = (await ins.allTextContents()).join("|");
      assert.match(inserted, /and secure/);
      // Peru's new paragraph, proposed after the paragraph it followed in the file.
      await page.locator(".para", { hasText: "Invite observers to report on progress at the next meeting." }).first().waitFor({ timeout: 10000 });
      assert.equal((await del.allTextContents()).join(""), "joint ");
      colours.push(await colour(ins.first()), await colour(del.first()));
      // Peru's proposal cards, with its colour, in the proposals panel.
      await page.locator(".proposal[data-country=PE]").first().waitFor({ timeout: 10000 });
    }
    assert.match(colours[0], /^#[0-9a-f]{6}$/);
    assert.ok(colours.every((c) => c === colours[0]), `Peru's colour everywhere: ${colours}`);
    await shot(mx.page, "word-return-seen-by-mexico");
    for (const s of [sec, pe, mx]) await s.context.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
