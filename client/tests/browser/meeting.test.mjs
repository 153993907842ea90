// Browser tests of the meeting page (the agenda in each delegation's own capital time) and
// of alternatives: Peru proposes one, the United States co-sponsors it, Mexico's chair adopts
// it and the paragraph's texts become the alternative's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiGet, communique, launch, serverDoc, shot, signedIn, startServer, token, until } from "./harness.mjs";

let server;
let browser;
let meetingId;

before(async () => {
  server = await startServer();
  browser = await launch();
  const tok = await token(server.url, "secretariat");
  meetingId = (await apiGet(server.url, tok, "/api/meetings"))[0].id;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function meetingPage(login) {
  const s = await signedIn(browser, server.url, login);
  await s.page.click("[data-testid=meeting-link]");
  await s.page.waitForSelector("[data-testid=agenda-item]");
  return s;
}

/// The same session shows at each capital's own time, with the zone named; the PPTs of
/// both conferences are shown; Spanish labels when the page is in Spanish.
test("the agenda in each delegation's capital time", async () => {
  const ar = await meetingPage("ar");
  const pe = await meetingPage("pe");
  const session1 = async (page) => {
    const items = page.locator("[data-testid=agenda-item][data-kind=session]");
    assert.equal(await items.count(), 6);
    return (await items.first().locator("[data-testid=agenda-time]").innerText()).trim();
  };
  // 9:50–10:50 Central American time (GMT-6) is 12:50 in Buenos Aires, 10:50 in Lima.
  assert.equal(await session1(ar.page), "12:50–13:50");
  assert.equal(await session1(pe.page), "10:50–11:50");
  assert.match(await ar.page.locator("[data-testid=agenda-zone]").innerText(), /Times shown in Buenos Aires time \(GMT-3\) · Argentina/);
  assert.match(await pe.page.locator("[data-testid=agenda-zone]").innerText(), /Times shown in Lima time \(GMT-5\) · Peru/);
  assert.match(await pe.page.locator("[data-testid=conference-rcm] [data-testid=ppt]").innerText(), /Mexico/);
  assert.match(await pe.page.locator("[data-testid=conference-sacm] [data-testid=ppt]").innerText(), /Argentina/);
  const leads = await pe.page.locator("[data-testid=agenda-item][data-kind=session]").nth(2).locator("[data-testid=agenda-leads]").innerText();
  assert.match(leads, /PE\s+Peru/);
  await shot(pe.page, "meeting-pe");
  await pe.page.click("[data-lang=es]");
  await pe.page.waitForSelector("text=Países panelistas líderes");
  assert.match(await pe.page.locator("[data-testid=agenda-zone]").innerText(), /Horas en hora de Lima \(GMT-5\) · Perú/);
  await shot(pe.page, "meeting-pe-es");
  await ar.context.close();
  await pe.context.close();
});

/// Peru proposes an alternative in both languages; the United States co-sponsors it;
/// Mexico's chair adopts it: the paragraph's texts become the alternative's, in every browser.
test("an alternative proposed, co-sponsored and adopted", async () => {
  const draft = await communique(server.url);
  const pe = await signedIn(browser, server.url, "pe", draft.id);
  const us = await signedIn(browser, server.url, "us", draft.id);
  const mx = await signedIn(browser, server.url, "mx-chair", draft.id);
  const n = 2;
  const para = (page) => page.locator(".para").nth(n);

  await para(pe.page).locator("[data-testid=alt-propose]").click();
  await para(pe.page).locator("[data-testid=alt-en]").fill("Commit to shared responsibility across the hemisphere.");
  await para(pe.page).locator("[data-testid=alt-es]").fill("Se comprometen con la responsabilidad compartida en el hemisferio.");
  await para(pe.page).locator("[data-testid=alt-submit]").click();
  const alt = (page) => para(page).locator("[data-testid=alternative]").first();
  await alt(us.page).waitFor({ timeout: 5000 });
  assert.match(await alt(us.page).innerText(), /Alt 1/);
  await alt(us.page).locator("[data-testid=alt-cosponsor]").click();
  const sponsors = async (page) => (await alt(page).locator("[data-testid=alt-sponsor]").allInnerTexts()).join(",");
  await until("both sponsors in Peru's browser", async () => (await sponsors(pe.page)) === "PE,US");
  await until("both sponsors in the chair's browser", async () => (await sponsors(mx.page)) === "PE,US");
  // Delegates have no adopt button; the chair has.
  assert.equal(await alt(pe.page).locator("[data-testid=alt-adopt]").count(), 0);
  await shot(mx.page, "alternatives-chair");
  // Asked in the app's own dialog, not the browser's.
  await alt(mx.page).locator("[data-testid=alt-adopt]").click();
  await mx.page.locator("[data-testid=confirm-dialog] [data-testid=dialog-confirm]").click();
  const en = (page) => para(page).locator(".text[data-lang=en] .pm").innerText();
  await until("the adopted text in the United States' browser", async () => (await en(us.page)).trim() === "Commit to shared responsibility across the hemisphere.");
  await until("the adopted state shown", async () => (await alt(pe.page).locator("[data-testid=alt-state]").count()) === 1);
  await shot(pe.page, "alternatives-adopted");
  for (const s of [pe, us, mx]) {
    assert.notEqual(await s.page.locator("[data-testid=connection]").getAttribute("data-state"), "refused");
  }
  const { doc } = await serverDoc(server.url, "secretariat", draft.url);
  const pid = doc.order[n];
  assert.equal(doc.paragraphs[pid].text.es, "Se comprometen con la responsabilidad compartida en el hemisferio.");
  const stored = Object.values(doc.paragraphs[pid].alternatives);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].state, "adopted");
  assert.deepEqual(stored[0].sponsors, ["PE", "US"]);
  for (const s of [pe, us, mx]) await s.context.close();
});

/// In the Concept Note, Peru (lead of session 3) types straight into its question; in
/// another session's question its typing becomes Peru's proposal.
test("a lead country edits its own questions directly, others' by proposal", async () => {
  const tok = await token(server.url, "secretariat");
  const note = (await apiGet(server.url, tok, "/api/drafts")).find((d) => d.kind === "concept_note");
  assert.ok(note, "the demo has a concept note");
  const pe = await signedIn(browser, server.url, "pe", note.id);
  const { doc } = await serverDoc(server.url, "secretariat", note.url);
  const index = (section) => doc.order.findIndex((pid) => doc.paragraphs[pid].kind === "question" && doc.paragraphs[pid].section === section);
  const own = index(3);
  const other = index(1);
  assert.ok(own > 0 && other > 0);
  const type = async (n, words) => {
    const ed = pe.page.locator(".para").nth(n).locator(".text[data-lang=en] .pm");
    await ed.click();
    await pe.page.keyboard.press("Control+End");
    await pe.page.keyboard.type(words);
  };
  await type(own, " in our region");
  // The mode says what typing does where the caret is: straight into Peru's own question,
  // proposed in another session's; each question named by its session and number.
  const mode = () => pe.page.locator("[data-testid=mode-badge]").getAttribute("data-mode");
  await until("the mode of Peru's own question", async () => (await mode()) === "editing");
  assert.match(await pe.page.locator(".para").nth(own).locator("[data-testid=label]").innerText(), /^Session 3 · Question \d+$/);
  await type(other, " together");
  await until("the mode of another session's question", async () => (await mode()) === "suggesting");
  await until("Peru's proposal on session 1", async () => (await pe.page.locator(".para").nth(other).locator("ins.sg[data-country=PE]").count()) > 0);
  await until("saved", async () => (await pe.page.locator("[data-testid=connection]").getAttribute("data-state")) === "saved");
  assert.equal(await pe.page.locator(".para").nth(own).locator("ins.sg").count(), 0, "no proposal marks on Peru's own question");
  assert.match(await pe.page.locator(".para").nth(own).locator(".text[data-lang=en] .pm").innerText(), /in our region$/);
  await shot(pe.page, "concept-note-pe");
  const after = await serverDoc(server.url, "secretariat", note.url);
  assert.match(after.doc.paragraphs[doc.order[own]].text.en, /in our region$/);
  assert.equal(after.snapshot[own].en.filter((m) => m.name.startsWith("ins:")).length, 0);
  await pe.context.close();
});
