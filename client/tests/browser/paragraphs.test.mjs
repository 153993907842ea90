// Browser test of issue 17, paragraphs negotiated whole, on the demo Joint Communiqué in
// four browser contexts: Peru's delegate presses Enter at the end of OP 5 and types a new
// paragraph; the United States' delegate proposes deleting OP 7 from the paragraph's menu,
// with the keyboard; Mexico's delegate replaces "Encourage" with "Commit to" in OP 3 and
// attaches the Spanish counterpart (one proposal); Argentina's delegate proposes moving
// PP 3 after PP 5. The tracked Word export holds the new paragraph as Peru's insertion and
// OP 7 as the United States' deletion. Argentina's chair, with everyone else gone, sees
// each proposal with its proposer's name and delegation, accepts the replacement (both
// languages change), accepts OP 5 bis (it becomes OP 6, the rest renumber), rejects the
// deletion from the popover in the text; approving a text with a bracketed paragraph is
// refused, naming it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiGet, caretToEnd, post, shot, signedIn, token, unzip, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

const SCREEN = { viewport: { width: 1366, height: 768 } };
const NEW_EN = "Promote the exchange of good practices on the labour integration of migrants";
const NEW_ES = "Promover el intercambio de buenas prácticas sobre la integración laboral de las personas migrantes";

/** The paragraph labelled `label` ("OP 5", not "OP 5 bis"), at its own place. */
const para = (page, label) =>
  page.locator(".para:not(.moved-copy)").filter({ has: page.locator("[data-testid=label]", { hasText: new RegExp(`^${label}$`) }) });
const pm = (row, lang) => row.locator(`.text[data-lang=${lang}] .pm`);
const textOf = (row, lang) => pm(row, lang).textContent();
/** The label of the paragraph the focus is in. */
const focusedLabel = (page) => page.evaluate(() => document.activeElement?.closest(".para")?.querySelector("[data-testid=label]")?.textContent ?? null);
const selected = (page) => page.evaluate(() => String(window.getSelection()));

/** Selects the first `word` of a paragraph's text with the keyboard. */
async function selectFirst(page, editor, word) {
  await editor.click();
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < word.length + 3 && (await selected(page)) !== word; i++) await page.keyboard.press("Shift+ArrowRight");
  assert.equal(await selected(page), word);
}

/** Scrolls `loc` into view and waits until the browser has drawn it (paragraphs far off
 * screen are not rendered until then: `content-visibility: auto`). */
async function showAt(page, loc, block = "start") {
  await loc.first().evaluate((e, b) => e.scrollIntoView({ block: b }), block);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Switches a signed-in page's interface language; the draft is drawn again. */
async function speak(page, lang) {
  await page.click(`.lang-switch [data-lang=${lang}]`);
  await page.waitForSelector(`.lang-switch [data-lang=${lang}].on`);
  await page.waitForSelector(".para .text .pm");
  await page.waitForSelector(".paragraphs[data-lock=open]", { timeout: 15000 });
}

async function saved(s) {
  await s.page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 10000 });
  assert.equal(await s.page.locator(".refusal:not([hidden])").count(), 0, "nothing was refused");
}

/** What the test shares from one step to the next. */
const at = {};

/// Peru presses Enter at the end of OP 5 and types; the United States proposes deleting OP 7
/// with the keyboard; Mexico's replacement and its Spanish counterpart are one proposal;
/// Argentina proposes moving PP 3 after PP 5. Each shows in its proposer's colour.
test("delegations propose a new paragraph, a deletion, a replacement with its counterpart and a move", async () => {
  const dash = await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/dashboard`);
  at.ids = dash.paragraphs.map((p) => p.paragraph);
  const pe = await signedIn(browser, server.url, "pe", draft.id, SCREEN);
  at.op7 = await para(pe.page, "OP 7").getAttribute("data-paragraph");
  at.op3 = await para(pe.page, "OP 3").getAttribute("data-paragraph");
  at.op6Text = await textOf(para(pe.page, "OP 6"), "en");

  // Peru: Enter at the end of OP 5 proposes OP 5 bis, and the caret is there.
  await caretToEnd(pe.page, pm(para(pe.page, "OP 5"), "en"));
  await pe.page.keyboard.press("Control+End");
  assert.equal(await focusedLabel(pe.page), "OP 5", "the caret is in OP 5");
  await pe.page.keyboard.press("Enter");
  const bis = para(pe.page, "OP 5 bis");
  await bis.waitFor({ timeout: 5000 }).catch(async (e) => {
    assert.fail(`${e.message}: ${await pe.page.locator(".notice").textContent()} / ${(await pe.page.locator("[data-testid=label]").allTextContents()).join(",")}`);
  });
  await until("the caret in OP 5 bis", async () => (await focusedLabel(pe.page)) === "OP 5 bis", 5000);
  await pe.page.keyboard.type(NEW_EN);
  await pm(bis, "es").click();
  await pe.page.keyboard.type(NEW_ES);
  await until("Peru's text in OP 5 bis", async () => (await textOf(bis, "en")) === NEW_EN && (await textOf(bis, "es")) === NEW_ES);
  at.bis = await bis.getAttribute("data-paragraph");
  assert.match(await bis.getAttribute("class"), /p-new/);
  assert.equal(await bis.locator("[data-testid=proposer]").innerText(), "· Peru");
  // Its proposer writes it directly: no tracked change inside it.
  assert.equal(await bis.locator(".sg").count(), 0);
  await shot(pe.page, "paragraphs-en-delegate-typing-new");
  // The paragraphs after it keep their numbers until it is accepted.
  assert.equal(await textOf(para(pe.page, "OP 6"), "en"), at.op6Text);
  await saved(pe);

  // The United States: the paragraph's menu, from the keyboard.
  const us = await signedIn(browser, server.url, "us", draft.id, SCREEN);
  const op7 = para(us.page, "OP 7");
  await op7.locator("[data-testid=para-menu]").focus();
  await us.page.keyboard.press("Enter");
  await until("the menu's first item focused", () => us.page.evaluate(() => document.activeElement?.getAttribute("role") === "menuitem"));
  await us.page.keyboard.press("ArrowDown");
  assert.equal(await us.page.evaluate(() => document.activeElement?.dataset.testid), "menu-propose-delete");
  await us.page.keyboard.press("Enter");
  await until("OP 7 struck through", async () => /p-del/.test(await op7.getAttribute("class")));
  assert.match(await pm(op7, "en").evaluate((e) => getComputedStyle(e).textDecorationLine), /line-through/);
  assert.match(await op7.locator("[data-testid=note-delete]").textContent(), /The United States proposes deleting this paragraph/);
  await saved(us);

  // Mexico: "Encourage" becomes "Commit to", then the Spanish counterpart joins the proposal.
  const mx = await signedIn(browser, server.url, "mx", draft.id, SCREEN);
  const op3 = para(mx.page, "OP 3");
  await selectFirst(mx.page, pm(op3, "en"), "Encourage");
  await mx.page.keyboard.type("Commit to");
  const card = mx.page.locator(`.proposal[data-country=MX][data-paragraph=${at.op3}]`);
  await until("Mexico's one replacement card", async () => (await card.count()) === 1 && (await card.getAttribute("data-kind")) === "replace");
  assert.equal(await card.locator("[data-testid=proposal-title]").innerText(), "Replace “Encourage” with “Commit to”");
  assert.equal(await card.locator("[data-testid=one-language]").innerText(), "English only · concordance needed");
  await card.locator("[data-testid=add-counterpart]").click();
  await mx.page.locator("[data-testid=counterpart-bar]:not([hidden])").waitFor();
  await until("the caret in OP 3's Spanish text", () => mx.page.evaluate(() => document.activeElement?.closest(".text")?.dataset.lang === "es"));
  await selectFirst(mx.page, pm(op3, "es"), "Alientan");
  await mx.page.keyboard.type("Se comprometen a");
  await until("one proposal in both languages", async () => (await card.count()) === 1 && (await card.locator(".p-change").count()) === 2 && (await card.locator("[data-testid=one-language]").count()) === 0)
    .catch(async (e) => assert.fail(`${e.message}: ${JSON.stringify(await mx.page.locator(".proposal[data-country=MX]").allInnerTexts())}`));
  at.replacement = await card.getAttribute("data-proposal");
  await mx.page.click("[data-testid=counterpart-done]");
  await saved(mx);
  const pending = await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/suggestions`);
  const replacement = pending.proposals.find((p) => p.id === at.replacement);
  assert.deepEqual(replacement.languages, ["en", "es"], "the server reads one proposal in both languages");
  assert.equal(replacement.one_language, false);
  assert.deepEqual(replacement.parts.map((s) => `${s.lang}:${s.kind}:${s.text}`).sort(), ["en:delete:Encourage", "en:insert:Commit to", "es:delete:Alientan", "es:insert:Se comprometen a"]);

  // Argentina's delegate proposes moving PP 3 after PP 5, in the app's own dialog.
  const ar = await signedIn(browser, server.url, "ar", draft.id, SCREEN);
  at.pp3 = await para(ar.page, "PP 3").getAttribute("data-paragraph");
  await para(ar.page, "PP 3").locator("[data-testid=para-menu]").click();
  await ar.page.click("[data-testid=menu-propose-move]");
  const dialog = ar.page.locator("[data-testid=move-dialog]");
  await dialog.waitFor();
  const option = await dialog.locator("[data-testid=move-after] option", { hasText: /^PP 5 — / }).getAttribute("value");
  await dialog.locator("[data-testid=move-after]").selectOption(option);
  await dialog.locator("[data-testid=dialog-confirm]").click();
  const copy = ar.page.locator(`.moved-copy[data-moved-copy=${at.pp3}]`);
  await copy.waitFor({ timeout: 5000 });
  assert.match(await copy.textContent(), /PP 3 · moved here by Argentina/);
  assert.match(await para(ar.page, "PP 3").locator("[data-testid=note-move]").textContent(), /Argentina proposes moving this after PP 5/);
  // The copy sits right after PP 5.
  const order = await ar.page.locator(".paragraphs > section").evaluateAll((els) => els.map((e) => e.querySelector("[data-testid=label]")?.textContent ?? "copy"));
  assert.equal(order[order.indexOf("PP 5") + 1], "copy");
  await saved(ar);

  // Everyone sees all of it, each in its proposer's colour.
  for (const s of [pe, us, mx, ar]) {
    await para(s.page, "OP 5 bis").waitFor({ timeout: 8000 });
    await until("every proposal everywhere", async () => /p-del/.test(await para(s.page, "OP 7").getAttribute("class")) && (await s.page.locator(".moved-copy").count()) === 1, 8000);
  }
  const colour = (loc) => loc.evaluate((e) => getComputedStyle(e).getPropertyValue("--pc").trim());
  const colours = [await colour(para(ar.page, "OP 5 bis")), await colour(para(ar.page, "OP 7")), await colour(para(ar.page, "PP 3"))];
  assert.equal(new Set(colours).size, 3, `three delegations, three colours: ${colours}`);
  for (const s of [pe, us, mx, ar]) await s.context.close();
});

/** The English tracked Word export's word/document.xml, fetched as the secretariat. */
async function trackedDocumentXml() {
  const res = await fetch(`${server.url}/api/drafts/${draft.id}/export?format=docx-tracked&lang=en`, { headers: { authorization: `Bearer ${await token(server.url, "secretariat")}` } });
  assert.equal(res.status, 200);
  const xml = unzip(Buffer.from(await res.arrayBuffer())).get("word/document.xml");
  assert.ok(xml, "the archive has word/document.xml");
  return xml;
}

/** The tracked revisions `<w:tag>` of `xml`: each one's author and the text of its `<w:textTag>`s.
 * (The author's pattern is a RegExp built from a string: a literal with quotes in it would
 * read, to scripts/check-size, as the start of a string.) */
const trackedRevisions = (xml, tag, textTag) => [...xml.matchAll(new RegExp(`<w:${tag}\\b([^>]*)>([\\s\\S]*?)</w:${tag}>`, "g"))].map((m) => ({
  author: new RegExp('w:author="([^"]*)"').exec(m[1])?.[1],
  text: [...m[2].matchAll(new RegExp(`<w:${textTag}\\b[^>]*>([^<]*)</w:${textTag}>`, "g"))].map((t) => t[1]).join(""),
}));

/// The tracked Word export, before any decision: Peru's new paragraph is its insertion,
/// OP 7 the United States' deletion.
test("the tracked DOCX holds the new paragraph as Peru's insertion and OP 7 as the United States' deletion", async () => {
  const xml = await trackedDocumentXml();
  const inserted = trackedRevisions(xml, "ins", "t").filter((r) => r.author === "Peru").map((r) => r.text).join("");
  assert.ok(inserted.includes(NEW_EN), `Peru's insertions hold the new paragraph: ${inserted}`);
  const op7 = (await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/suggestions`)).proposals.find((p) => p.kind === "delete_paragraph");
  assert.equal(op7.paragraph, at.op7);
  const deleted = trackedRevisions(xml, "del", "delText").filter((r) => r.author === "United States").map((r) => r.text).join("");
  assert.ok(deleted.includes("Encourage the expansion of regular migration pathways"), `the United States' deletions hold OP 7: ${deleted.slice(0, 200)}`);
});

/// Argentina's chair, with everyone else gone, reads each proposal's person and delegation
/// and decides: the replacement accepted in both languages, OP 5 bis accepted as OP 6, the
/// deletion of OP 7 rejected from the popover in the text.
test("Argentina's chair decides each proposal, named with its proposer", async () => {
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id, SCREEN);
  const page = chair.page;
  const card = (id) => page.locator(`.proposal[data-proposal="${id}"]`);
  const cards = page.locator(".proposal");
  await until("four proposals", async () => (await cards.count()) === 4, 8000).catch(async (e) => assert.fail(`${e.message}: ${JSON.stringify(await cards.allInnerTexts())}`));
  const newCard = page.locator(".proposal[data-kind=new_paragraph]");
  const delCard = page.locator(".proposal[data-kind=delete_paragraph]");
  const moveCard = page.locator(".proposal[data-kind=move_paragraph]");
  // Nobody else is online: the names come from the meeting's directory.
  assert.match(await newCard.innerText(), /New paragraph OP 5 bis[\s\S]*Proposed by Delegation of Peru \(Peru\)/);
  assert.match(await delCard.innerText(), /Delete OP 7[\s\S]*Proposed by Delegation of United States \(United States\)/);
  assert.match(await card(at.replacement).innerText(), /Replace “Encourage” with “Commit to”[\s\S]*Proposed by Delegation of Mexico \(Mexico\)/);
  assert.match(await moveCard.innerText(), /Move PP 3 after PP 5[\s\S]*Proposed by Delegation of Argentina \(Argentina\)/);
  // The dashboard counts them.
  await page.click("[data-testid=dashboard] summary");
  await until("the paragraph proposals counted", async () => (await page.locator("[data-testid=paragraph-proposal-counts]").textContent()) === "Paragraphs: 1 new · 1 to delete · 1 to move", 8000);
  for (const c of ["PE", "US", "MX", "AR"]) assert.equal(await page.locator(`[data-testid=pending-${c}]`).textContent(), `${c} 1`);
  await page.click("[data-testid=dashboard] summary");
  await showAt(page, para(page, "PP 3"));
  await shot(page, "paragraphs-en-moved");
  await showAt(page, page.locator(".moved-copy"), "center");
  await shot(page, "paragraphs-en-moved-here");
  await showAt(page, para(page, "OP 5 bis"));
  await shot(page, "paragraphs-en-new-and-deleted");

  // The same in Spanish.
  await speak(page, "es");
  const bisEs = para(page, "PO 5 bis");
  await bisEs.waitFor();
  assert.match(await para(page, "PO 7").locator("[data-testid=note-delete]").textContent(), /Estados Unidos propone suprimir este párrafo/);
  assert.match(await para(page, "PP 3").locator("[data-testid=note-move]").textContent(), /Argentina propone trasladarlo después del PP 5/);
  await until("the Spanish cards", async () => (await card(at.replacement).locator("[data-testid=proposal-title]").innerText()) === "Sustituir «Alientan» por «Se comprometen a»");
  assert.match(await page.locator(".proposal[data-kind=new_paragraph]").innerText(), /Párrafo nuevo PO 5 bis[\s\S]*Propuesta de Delegación de Perú \(Perú\)/);
  await showAt(page, para(page, "PP 3"));
  await shot(page, "paragraphs-es-moved");
  await showAt(page, page.locator(".moved-copy"), "center");
  await shot(page, "paragraphs-es-moved-here");
  await showAt(page, bisEs);
  await shot(page, "paragraphs-es-new-and-deleted");
  await speak(page, "en");

  // The replacement, whole: both languages change.
  const op3 = para(page, "OP 3");
  const before = { en: await textOf(op3, "en"), es: await textOf(op3, "es") };
  await card(at.replacement).locator("[data-testid=accept]").click();
  await until("OP 3 decided in both languages", async () => (await textOf(op3, "en")).startsWith("Commit to joint training") && (await textOf(op3, "es")).startsWith("Se comprometen a la capacitación") && (await op3.locator(".sg").count()) === 0, 8000)
    .catch(async (e) => assert.fail(`${e.message}: ${await textOf(op3, "en")} / ${await textOf(op3, "es")} (was ${JSON.stringify(before)})`));

  // OP 5 bis becomes OP 6; the old OP 6 is OP 7, and OP 7 (proposed for deletion) OP 8.
  await newCard.locator("[data-testid=accept]").click();
  await until("OP 5 bis accepted as OP 6", async () => (await para(page, "OP 6").getAttribute("data-paragraph")) === at.bis, 8000);
  assert.equal(await textOf(para(page, "OP 6"), "en"), NEW_EN);
  assert.equal(await textOf(para(page, "OP 7"), "en"), at.op6Text);
  assert.equal(await para(page, "OP 8").getAttribute("data-paragraph"), at.op7);
  assert.doesNotMatch(await para(page, "OP 6").getAttribute("class"), /p-new/);

  // The deletion, rejected from the popover on its note in the text.
  await showAt(page, para(page, "OP 8"), "center");
  await para(page, "OP 8").locator("[data-testid=note-delete]").click();
  const popover = page.locator("[data-testid=proposal-popover]");
  await popover.waitFor();
  assert.match(await popover.innerText(), /Delete OP 8/);
  await shot(page, "paragraphs-en-popover");
  await popover.locator("[data-testid=popover-reject]").click();
  await until("OP 8 no longer proposed for deletion", async () => !/p-del/.test(await para(page, "OP 8").getAttribute("class")), 8000);
  assert.equal(await para(page, "OP 8").getAttribute("data-paragraph"), at.op7);

  // The activity says who did what, as a chair reads it.
  await page.click("[data-testid=tab-activity]");
  const feed = page.locator("[data-testid=activity-list]");
  await until("the decisions in the feed", async () => /Argentina \(Presidency\) rejected the United States' deletion of OP 8/.test(await feed.innerText()), 8000)
    .catch(async (e) => assert.fail(`${e.message}: ${await feed.innerText()}`));
  assert.match(await feed.innerText(), /Argentina \(Presidency\) accepted Peru's new paragraph OP 6/);
  assert.match(await feed.innerText(), /Argentina \(Presidency\) accepted the proposal of Mexico in OP 3 \(EN, ES\)/);
  // Further back (Peru's typing is many entries): earlier pages.
  for (let i = 0; i < 5 && !/Peru proposed a new paragraph after OP 5/.test(await feed.innerText()); i++) {
    const shown = await page.locator("[data-testid=activity-item]").count();
    await page.click("[data-testid=activity-earlier]");
    await until("earlier activity", async () => (await page.locator("[data-testid=activity-item]").count()) > shown, 8000);
  }
  const said = await feed.innerText();
  assert.match(said, /Peru proposed a new paragraph after OP 5/);
  assert.match(said, /The United States proposed deleting OP 8/);
  await chair.context.close();

  const stored = await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/suggestions`);
  assert.deepEqual(stored.proposals.map((p) => p.kind), ["move_paragraph"]);
});

/// In Spanish: the same text, the move still pending; then approving a text with a
/// bracketed paragraph is refused, naming it, and the chair may go ahead only with a reason.
test("a chair's approval of a text with a bracketed paragraph is refused, naming it", async () => {
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id, SCREEN);
  const page = chair.page;
  await speak(page, "es");
  await page.locator(".moved-copy").waitFor();
  assert.match(await page.locator(".moved-copy").textContent(), /PP 3 · trasladado aquí por Argentina/);

  const sec = await token(server.url, "secretariat");
  const chairTok = await token(server.url, "ar-chair");
  const op2 = at.ids[7];
  const r = await post(server.url, chairTok, `/api/drafts/${draft.id}/paragraphs/${op2}/status`, { status: "bracketed" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // Shown before anyone asks.
  const standing = page.locator("[data-testid=standing]");
  await until("PO 2 among what stands in the way", async () => /PO 2/.test(await standing.innerText()), 8000).catch(async (e) => assert.fail(`${e.message}: ${await standing.innerText()}`));

  // The chair approves the text as it now stands (the panel reads it every few seconds).
  const heads = (await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`)).workflow.heads.join();
  await until("the panel showing the text as it stands", async () => (await page.locator("[data-testid=approve]").getAttribute("data-heads")) === heads, 8000);
  await page.click("[data-testid=approve]");
  const dialog = page.locator("[data-testid=settled-dialog]");
  await dialog.waitFor({ timeout: 8000 }).catch(async (e) => assert.fail(`${e.message}: ${await page.locator(".notice").textContent()} / ${await page.locator("dialog").allTextContents()}`));
  const said = await dialog.innerText();
  assert.match(said, /Todavía no se puede aprobar el texto/);
  assert.match(await dialog.locator(`[data-testid=unsettled] li[data-paragraph="${op2}"]`).innerText(), /PO 2\s+Entre corchetes/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "paragraphs-es-approval-refused");
  // Going ahead needs a reason.
  await dialog.locator("[data-testid=dialog-confirm]").click();
  assert.match(await dialog.locator("[data-testid=override-error]").innerText(), /Indique el motivo/);
  await dialog.locator("[data-testid=dialog-cancel]").click();
  const dash = await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`);
  assert.deepEqual(dash.workflow.approved_by, [], "nothing was approved");
  // The server's own refusal names the paragraph as the client does.
  const refused = await post(server.url, chairTok, `/api/drafts/${draft.id}/approvals`, { heads: dash.workflow.heads });
  assert.equal(refused.status, 409);
  const line = refused.body.unsettled.find((u) => u.paragraph === op2);
  assert.deepEqual([line.label, line.status], [{ en: "OP 2", es: "PO 2" }, "bracketed"]);
  await chair.context.close();
});

/// Pasting several paragraphs at the end of one proposes each as a new paragraph; Enter
/// inside a paragraph says how to propose one; a chair in editing mode adds and deletes a
/// paragraph directly, with no proposal.
test("pasting paragraphs proposes each; a chair edits paragraphs directly", async () => {
  const pe = await signedIn(browser, server.url, "pe", draft.id, SCREEN);
  const op9 = para(pe.page, "OP 9");
  const ed = pm(op9, "en");
  await caretToEnd(pe.page, ed);
  await pe.page.keyboard.press("Control+End");
  await ed.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, "Welcome the first pasted paragraph.\r\nWelcome the second.\n\nWelcome the third.");
  for (const [label, text] of [["OP 9 bis", "Welcome the first pasted paragraph."], ["OP 9 ter", "Welcome the second."], ["OP 9 quater", "Welcome the third."]]) {
    await until(`${label} pasted`, async () => (await para(pe.page, label).count()) === 1 && (await textOf(para(pe.page, label), "en")) === text, 8000);
  }
  await until("the caret in the last one", async () => (await focusedLabel(pe.page)) === "OP 9 quater");
  await saved(pe);
  const pending = await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/suggestions`);
  assert.equal(pending.proposals.filter((p) => p.kind === "new_paragraph" && p.country === "PE").length, 3, "three proposals of Peru's");

  // Enter inside a paragraph proposes nothing, and says how.
  await pm(op9, "en").click();
  await pe.page.keyboard.press("Control+Home");
  await pe.page.keyboard.press("Enter");
  await until("the hint", async () => /press Enter at the end of a paragraph/.test(await pe.page.locator(".notice").textContent()));
  assert.equal(await pe.page.locator(".para.p-new").count(), 3);
  await pe.context.close();

  // Mexico's chair, editing directly: a paragraph added after OP 1 is OP 2 at once.
  const chair = await signedIn(browser, server.url, "mx-chair", draft.id, SCREEN);
  const page = chair.page;
  await page.click("[data-testid=mode-editing]");
  const op2 = await para(page, "OP 2").getAttribute("data-paragraph");
  await para(page, "OP 1").locator("[data-testid=para-menu]").click();
  await page.click("[data-testid=menu-add]");
  await until("the caret in the new OP 2", async () => (await focusedLabel(page)) === "OP 2");
  await page.keyboard.type("Agree to meet again in 2022.");
  const added = para(page, "OP 2");
  await until("its text", async () => (await textOf(added, "en")) === "Agree to meet again in 2022.");
  assert.equal(await para(page, "OP 3").getAttribute("data-paragraph"), op2, "the paragraphs after it renumber");
  assert.doesNotMatch(await added.getAttribute("class"), /p-new/);
  await saved(chair);
  // And deleted directly, once confirmed in the app's own dialog.
  const pid = await added.getAttribute("data-paragraph");
  await added.locator("[data-testid=para-menu]").click();
  await page.click("[data-testid=menu-delete]");
  await page.locator("[data-testid=confirm-dialog] [data-testid=dialog-confirm]").click();
  await until("the paragraph gone", async () => (await page.locator(`.para[data-paragraph="${pid}"]`).count()) === 0);
  assert.equal(await para(page, "OP 2").getAttribute("data-paragraph"), op2);
  await saved(chair);
  await chair.context.close();
});
