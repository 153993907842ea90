// Browser tests: real Chromium against a real `pluma serve --demo` (temporary SQLite).
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiGet, caretToEnd, editor, serverDoc, shot, signedIn, token, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

// textContent, not innerText: paragraphs far off screen are not rendered
// (`content-visibility: auto`), and the innerText of unrendered text is empty.
const paraText = (page, n, lang) => editor(page, n, lang).textContent();
// Operative paragraphs follow the preambular ones; use the first operative paragraph.
async function firstOperative(page) {
  const kinds = await page.locator(".para").evaluateAll((els) => els.map((e) => e.className));
  return kinds.findIndex((k) => k.includes("kind-operative"));
}

/// Mexico proposes an insertion and a deletion; Argentina's chair sees both in Mexico's
/// colour within 2 s, accepts one and rejects the other; both end with the server's text.
test("proposals from Mexico, decided by Argentina's chair", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const ar = await signedIn(browser, server.url, "ar-chair", draft.id);
  const n = await firstOperative(mx.page);
  assert.ok(n > 0, "the communiqué has operative paragraphs");
  const original = await paraText(mx.page, n, "en");
  const firstWord = original.split(" ")[0];

  const ed = editor(mx.page, n, "en");
  await caretToEnd(mx.page, ed);
  await mx.page.keyboard.press("Control+End");
  await mx.page.keyboard.press("ArrowLeft");
  await mx.page.keyboard.type(" in 2022");
  await until("the typing to be drawn", async () => (await paraText(mx.page, n, "en")).endsWith(" in 2022."));
  // Select the first word and the space after it, and delete it.
  await mx.page.keyboard.press("Control+Home");
  // Extend the selection key by key until it holds the word and its space.
  const selected = () => mx.page.evaluate(() => String(window.getSelection()));
  for (let i = 0; i < 30 && (await selected()) !== `${firstWord} `; i++) await mx.page.keyboard.press("Shift+ArrowRight");
  assert.equal(await selected(), `${firstWord} `);
  await mx.page.keyboard.press("Backspace");
  const typedAt = Date.now();

  // Mexico's own view: insertion underlined, deletion struck through, text kept.
  const mxIns = mx.page.locator(`.para >> nth=${n}`).locator(".text[data-lang=en] ins.sg[data-country=MX]");
  const mxDel = mx.page.locator(`.para >> nth=${n}`).locator(".text[data-lang=en] del.sg[data-country=MX]");
  // A proposal may be drawn in several pieces (e.g. where formatting changes inside it).
  const text = async (loc) => (await loc.allTextContents()).join("");
  await until("Mexico's deletion to be drawn", async () => (await text(mxDel)) === `${firstWord} `, 3000).catch(async () => {
    assert.fail(`struck: ${JSON.stringify(await mxDel.allTextContents())}, inserted: ${JSON.stringify(await mxIns.allTextContents())}`);
  });
  assert.equal(await text(mxIns), " in 2022");

  const arIns = ar.page.locator(".para").nth(n).locator(".text[data-lang=en] ins.sg[data-country=MX]");
  const arDel = ar.page.locator(".para").nth(n).locator(".text[data-lang=en] del.sg[data-country=MX]");
  await arIns.first().waitFor({ timeout: 2000 });
  await arDel.first().waitFor({ timeout: Math.max(1, 2000 - (Date.now() - typedAt)) });
  assert.ok(Date.now() - typedAt <= 2000, `seen after ${Date.now() - typedAt} ms`);
  assert.equal(await text(arIns), " in 2022");
  // Mexico's colour, the same in both browsers, and its code beside the proposal.
  const colour = (loc) => loc.evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim());
  const mxColour = await colour(mxIns.first());
  assert.match(mxColour, /^#[0-9a-f]{6}$/);
  assert.equal(await colour(arIns.first()), mxColour);
  assert.equal(await colour(arDel.first()), mxColour);
  assert.equal(await arDel.first().evaluate((e) => getComputedStyle(e).textDecorationLine), "line-through");
  assert.match(await arIns.first().evaluate((e) => getComputedStyle(e, "::after").content), /MX|attr\(data-country\)/);
  await shot(mx.page, "draft-delegate-mx");
  await shot(ar.page, "draft-chair-ar");

  // The chair accepts the insertion and rejects the deletion from the proposals panel.
  const cardIns = ar.page.locator(".proposal[data-country=MX][data-kind=ins]");
  const cardDel = ar.page.locator(".proposal[data-country=MX][data-kind=del]");
  assert.match(await cardIns.innerText(), /Mexico|México/);
  await cardIns.locator("[data-testid=accept]").click();
  await cardDel.locator("[data-testid=reject]").click();

  const expected = original.replace(/\.$/, " in 2022.");
  for (const p of [mx.page, ar.page]) {
    await until("the decided text in both browsers", async () => (await paraText(p, n, "en")) === expected && (await p.locator(".para").nth(n).locator(".sg").count()) === 0);
  }
  // What the server stores.
  const stored = await serverDoc(server.url, "secretariat", draft.url);
  const pid = stored.doc.order[n];
  assert.equal(stored.doc.paragraphs[pid].text.en, expected);
  assert.deepEqual(stored.snapshot[n].en.filter((m) => /^(ins|del):/.test(m.name)), []);
  const pending = await apiGet(server.url, await token(server.url, "secretariat"), `/api/drafts/${draft.id}/suggestions`);
  assert.equal(pending.suggestions.filter((s) => s.paragraph === pid).length, 0);
  await mx.context.close();
  await ar.context.close();
});

/// A delegate is offered no accept or reject, and no withdraw for another country.
test("a delegate's page offers no accept button for another country's proposal", async () => {
  const ar = await signedIn(browser, server.url, "ar", draft.id);
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const n = await firstOperative(ar.page);
  await caretToEnd(ar.page, editor(ar.page, n + 1, "es"));
  await ar.page.keyboard.press("Control+End");
  await ar.page.keyboard.type(" y sus familias");
  const card = mx.page.locator(".proposal[data-country=AR][data-kind=ins]");
  await card.waitFor({ timeout: 5000 });
  // Nothing to decide on it; only a reply, as on any proposal.
  assert.equal(await card.locator(".p-actions button").count(), 0);
  assert.equal(await card.locator("[data-testid=proposal-reply]").count(), 1);
  assert.equal(await mx.page.locator("[data-testid=accept], [data-testid=reject], [data-testid=bulk-accept]").count(), 0);
  // Argentina may withdraw its own.
  const own = ar.page.locator(".proposal[data-country=AR][data-kind=ins]");
  assert.equal(await own.locator("[data-testid=withdraw]").count(), 1);
  assert.equal(await own.locator("[data-testid=accept]").count(), 0);
  await shot(mx.page, "draft-delegate-sees-other-country");
  await own.locator("[data-testid=withdraw]").click();
  await card.waitFor({ state: "detached", timeout: 5000 });
  await ar.context.close();
  await mx.context.close();
});

/// Edits made offline are kept, shown as offline, and merge on reconnect.
test("offline edits merge on reconnect", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const chair = await signedIn(browser, server.url, "mx-chair", draft.id);
  const n = (await firstOperative(mx.page)) + 2;
  await mx.context.setOffline(true);
  await mx.page.waitForSelector("[data-testid=connection][data-state=offline]", { timeout: 5000 });
  await caretToEnd(mx.page, editor(mx.page, n, "en"));
  await mx.page.keyboard.press("Control+End");
  await mx.page.keyboard.type(" offline");
  // The chair edits the same paragraph meanwhile (editing mode, a direct edit).
  await chair.page.click("[data-testid=mode-editing]");
  await caretToEnd(chair.page, editor(chair.page, n, "en"));
  await chair.page.keyboard.press("Control+Home");
  await chair.page.keyboard.type("Chair: ");
  await shot(mx.page, "draft-offline");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await chair.page.locator(".para").nth(n).locator("ins.sg[data-country=MX]").count(), 0);

  await mx.context.setOffline(false);
  for (const p of [mx.page, chair.page]) {
    await until("both edits in both browsers", async () => {
      const text = await paraText(p, n, "en");
      return text.startsWith("Chair: ") && text.endsWith(" offline");
    });
  }
  await mx.page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 10000 });
  const stored = await serverDoc(server.url, "secretariat", draft.url);
  const text = stored.doc.paragraphs[stored.doc.order[n]].text.en;
  assert.ok(text.startsWith("Chair: ") && text.endsWith(" offline"), text);
  await mx.context.close();
  await chair.context.close();
});

/// The interface switches between English and Spanish, labels included.
test("the interface in Spanish or English", async () => {
  const s = await signedIn(browser, server.url, "secretariat", null);
  await s.page.waitForSelector("[data-testid=draft-link]");
  assert.match(await s.page.locator("h1").innerText(), /Meetings/);
  await s.page.click("[data-lang=es]");
  await s.page.waitForSelector("text=Reuniones");
  assert.match(await s.page.locator("header").innerText(), /Cerrar sesión/);
  await shot(s.page, "meetings-es");
  await s.page.click("[data-testid=draft-link] >> nth=0");
  await s.page.waitForSelector(".para .text .pm");
  assert.match(await s.page.locator("aside.panel h2").innerText(), /Propuestas/);
  await shot(s.page, "draft-secretariat-es");
  await s.context.close();
});

/// Undo in suggesting mode takes back the delegation's own proposals, nothing else.
test("undo takes back one's own proposals", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const n = (await firstOperative(mx.page)) + 3;
  const before = await paraText(mx.page, n, "es");
  const ed = editor(mx.page, n, "es");
  await caretToEnd(mx.page, ed);
  await mx.page.keyboard.press("Control+End");
  await mx.page.keyboard.type(" nuevo");
  await mx.page.keyboard.press("Control+Home");
  for (let i = 0; i < 4; i++) await mx.page.keyboard.press("Shift+ArrowRight");
  await mx.page.keyboard.press("Delete");
  const para = mx.page.locator(".para").nth(n);
  await para.locator("del.sg[data-country=MX]").waitFor();
  assert.equal(await para.locator("ins.sg[data-country=MX]").textContent(), " nuevo");
  await mx.page.keyboard.press("Control+z");
  await para.locator("del.sg").waitFor({ state: "detached" });
  assert.equal(await para.locator("ins.sg[data-country=MX]").count(), 1);
  await mx.page.keyboard.press("Control+z");
  await para.locator("ins.sg").waitFor({ state: "detached" });
  assert.equal(await paraText(mx.page, n, "es"), before);
  // Redo makes them again, with either key, in order; undo takes them back once more.
  await mx.page.keyboard.press("Control+Shift+z");
  await until("the insertion made again", async () => (await para.locator("ins.sg[data-country=MX]").textContent().catch(() => "")) === " nuevo");
  await mx.page.keyboard.press("Control+y");
  await para.locator("del.sg[data-country=MX]").waitFor();
  assert.equal(await para.locator("del.sg[data-country=MX]").textContent(), before.slice(0, 4));
  await mx.page.keyboard.press("Control+z");
  await mx.page.keyboard.press("Control+z");
  await para.locator("ins.sg, del.sg").first().waitFor({ state: "detached" });
  assert.equal(await paraText(mx.page, n, "es"), before);
  await mx.page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 10000 });
  await mx.context.close();
});

/// A comment thread: opened on selected text, answered, resolved and reopened; markdown is
/// rendered without raw HTML; when its text is deleted the thread stays, detached, with its quote.
test("comment thread round trip, detached when its text is deleted", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id);
  const n = (await firstOperative(mx.page)) + 4;
  const ed = editor(mx.page, n, "en");
  await ed.click();
  await mx.page.keyboard.press("Control+Home");
  for (let i = 0; i < 6; i++) await mx.page.keyboard.press("Shift+ArrowRight");
  const quote = (await paraText(mx.page, n, "en")).slice(0, 6);
  await mx.page.click("[data-testid=tab-comments]");
  await mx.page.fill("[data-testid=new-comment]", "Please **keep** this <img src=x onerror=alert(1)>");
  await mx.page.click("[data-testid=post-comment]");

  await chair.page.click("[data-testid=tab-comments]");
  const thread = chair.page.locator("[data-testid=thread]");
  await thread.waitFor({ timeout: 5000 });
  assert.equal(await thread.locator("blockquote").innerText(), quote);
  assert.equal(await thread.locator(".md strong").innerText(), "keep");
  assert.equal(await thread.locator(".md img").count(), 0);
  await thread.locator("[data-testid=reply-box]").fill("Agreed, _noted_.");
  await thread.locator("[data-testid=reply]").click();
  await mx.page.locator("[data-testid=thread] .md em").waitFor({ timeout: 5000 });
  await thread.locator("[data-testid=resolve]").click();
  await mx.page.locator("[data-testid=thread].resolved").waitFor({ timeout: 5000 });
  await mx.page.locator("[data-testid=thread] [data-testid=reopen]").click();
  await chair.page.locator("[data-testid=thread]:not(.resolved)").waitFor({ timeout: 5000 });

  // The chair deletes the commented words (editing mode): the thread stays, detached.
  await chair.page.click("[data-testid=mode-editing]");
  const ced = editor(chair.page, n, "en");
  await ced.click();
  await chair.page.keyboard.press("Control+Home");
  for (let i = 0; i < 6; i++) await chair.page.keyboard.press("Shift+ArrowRight");
  await chair.page.keyboard.press("Backspace");
  await mx.page.locator("[data-testid=thread] [data-testid=detached]").waitFor({ timeout: 5000 });
  assert.equal(await mx.page.locator("[data-testid=thread] blockquote").innerText(), quote);
  await shot(mx.page, "comments-detached");
  await mx.context.close();
  await chair.context.close();
});

/// The chair filters the proposals by country and accepts all shown at once.
test("bulk accept of one country's proposals", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const ar = await signedIn(browser, server.url, "ar", draft.id);
  const chair = await signedIn(browser, server.url, "mx-chair", draft.id);
  const n = (await firstOperative(mx.page)) + 5;
  for (const [who, word] of [[mx, " uno"], [ar, " dos"]]) {
    await editor(who.page, n, "es").click();
    await who.page.keyboard.press("Control+End");
    await who.page.keyboard.type(word);
    // Each sees the other's words before typing after them.
    for (const other of [mx, ar]) await until(`"${word}" everywhere`, async () => (await paraText(other.page, n, "es")).endsWith(word));
  }
  await editor(mx.page, n, "es").click();
  await mx.page.keyboard.press("Control+Home");
  await mx.page.keyboard.type("Y ");
  await until('"Y " at the chair', async () => (await paraText(chair.page, n, "es")).startsWith("Y "));
  // Only this paragraph's proposals (earlier tests left others in the draft).
  const pid = await chair.page.locator(".para").nth(n).getAttribute("data-paragraph");
  const cards = chair.page.locator(".proposal");
  await until("the paragraph in the filter", async () => (await chair.page.locator(`[data-testid=filter-paragraph] option[value=${pid}]`).count()) === 1);
  await chair.page.selectOption("[data-testid=filter-paragraph]", pid);
  await until("three proposals at the chair", async () => (await cards.count()) === 3).catch(async (e) => {
    assert.fail(`${e.message}: ${JSON.stringify(await cards.allInnerTexts())} / ${await paraText(chair.page, n, "es")}`);
  });
  await chair.page.selectOption("[data-testid=filter-country]", "MX");
  await until("Mexico's two proposals shown", async () => (await cards.count()) === 2).catch(async (e) => {
    assert.fail(`${e.message}: ${JSON.stringify(await cards.allInnerTexts())} / ${await paraText(chair.page, n, "es")}`);
  });
  await chair.page.click("[data-testid=bulk-accept]");
  await chair.page.locator("[data-testid=confirm-dialog] [data-testid=dialog-confirm]").click();
  await chair.page.selectOption("[data-testid=filter-country]", "");
  await until("only Argentina's proposal left", async () => (await cards.count()) === 1 && (await cards.first().getAttribute("data-country")) === "AR");
  const text = await paraText(chair.page, n, "es");
  assert.ok(text.startsWith("Y ") && text.endsWith(" uno dos"), text);
  await until("no MX proposal in the delegate's view", async () => (await mx.page.locator(".para").nth(n).locator(".sg[data-country=MX]").count()) === 0);
  // Nothing the delegate's browser did was refused; everything reached the server.
  await mx.page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 10000 });
  assert.equal(await mx.page.locator(".refusal:not([hidden])").count(), 0);
  await shot(chair.page, "bulk-accepted");
  for (const c of [mx, ar, chair]) await c.context.close();
});
