// Browser tests of the client as delegations, chairs and the secretariat meet it: comments
// on the text, layouts that fit a laptop and a phone, the Spanish interface.
import assert from "node:assert/strict";
import { test } from "node:test";
import { editor, serverDoc, shot, signedIn, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

async function firstOperative(page) {
  const kinds = await page.locator(".para").evaluateAll((els) => els.map((e) => e.className));
  return kinds.findIndex((k) => k.includes("kind-operative"));
}

/// Peru selects a phrase and comments on it through the floating button, with the proposals
/// tab open; Argentina's chair sees the words highlighted, clicks them and the thread opens,
/// its words in Peru's colour.
test("a comment through the floating button, highlighted in another browser", async () => {
  const pe = await signedIn(browser, server.url, "pe", draft.id);
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id);
  const n = (await firstOperative(pe.page)) + 1;
  const ed = editor(pe.page, n, "en");
  await ed.click();
  await pe.page.keyboard.press("Control+Home");
  for (let i = 0; i < 10; i++) await pe.page.keyboard.press("Shift+ArrowRight");
  const quote = (await ed.textContent()).slice(0, 10);
  const float = pe.page.locator("[data-testid=comment-float]");
  await float.waitFor({ state: "visible", timeout: 3000 });
  assert.equal(await pe.page.locator("[data-testid=tab-proposals]").getAttribute("class"), "on");
  await shot(pe.page, "comment-float");
  await float.click();
  // The comments tab opened with the words, the box focused.
  const box = pe.page.locator("[data-testid=new-comment]");
  await box.waitFor();
  assert.equal(await box.evaluate((el) => el === document.activeElement), true);
  await pe.page.keyboard.type("Too narrow?");
  await pe.page.click("[data-testid=post-comment]");

  const hl = chair.page.locator(".para").nth(n).locator(".text[data-lang=en] .cm-hl");
  const highlighted = async () => (await hl.allTextContents()).join("");
  await until("the highlight in the chair's browser", async () => quote.startsWith(await highlighted()) && (await highlighted()).length >= 8, 5000);
  assert.equal(await chair.page.locator("[data-testid=tab-proposals]").getAttribute("class"), "on");
  await hl.first().click();
  const thread = chair.page.locator("[data-testid=thread].focus");
  await thread.waitFor({ timeout: 3000 });
  // The highlight covers the thread's words exactly.
  assert.equal(await thread.locator("blockquote").textContent(), await highlighted());
  await chair.page.locator(".cm-hl.on").first().waitFor();
  const colour = await chair.page.locator(".cm-hl.on").first().evaluate((el) => el.style.getPropertyValue("--c"));
  const chip = await chair.page.locator("[data-testid=thread].focus .chip").first().evaluate((el) => el.style.getPropertyValue("--c"));
  assert.ok(colour && colour === chip, `the highlight in Peru's colour: ${colour} / ${chip}`);
  await shot(chair.page, "comment-highlight-open");
  // From the keyboard: words selected, Ctrl+Alt+M opens a comment on them.
  const ced = editor(chair.page, n + 1, "es");
  await ced.click();
  await chair.page.keyboard.press("Control+Home");
  for (let i = 0; i < 6; i++) await chair.page.keyboard.press("Shift+ArrowRight");
  await chair.page.keyboard.press("Control+Alt+m");
  const chairBox = chair.page.locator("[data-testid=new-comment]");
  await chairBox.waitFor();
  assert.equal(await chairBox.evaluate((el) => el === document.activeElement), true);
  for (const s of [pe, chair]) await s.context.close();
});

/// A reply on a proposal: Argentina's chair answers Mexico's insertion from its card; the
/// thread is on the proposal's words, and Mexico opens it from its own card.
test("a reply on a proposal, opened from the proposal's card", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id);
  const n = (await firstOperative(mx.page)) + 2;
  const ed = editor(mx.page, n, "en");
  await ed.click();
  await mx.page.keyboard.press("Control+End");
  await mx.page.keyboard.type(" with urgency");
  const card = (page) => page.locator(".proposal[data-country=MX]").first();
  await card(chair.page).waitFor({ timeout: 8000 });
  // The chair's Activity tab counts it while another tab is open, and clears once opened.
  await chair.page.locator("[data-testid=activity-unread]").waitFor({ timeout: 15000 });
  await chair.page.click("[data-testid=tab-activity]");
  assert.equal(await chair.page.locator("[data-testid=activity-unread]").count(), 0, "no count on the open Activity tab");
  await chair.page.click("[data-testid=tab-proposals]");
  await card(chair.page).locator("[data-testid=proposal-reply]").click();
  const dialog = chair.page.locator("[data-testid=proposal-reply-dialog]");
  await dialog.waitFor();
  assert.equal((await dialog.locator("blockquote").textContent()).trim(), "with urgency");
  await dialog.locator("[data-testid=dialog-confirm]").click();
  assert.match(await dialog.locator(".error").textContent(), /Write the comment/);
  await dialog.locator("[data-testid=proposal-reply-text]").fill("Which deadline?");
  await dialog.locator("[data-testid=dialog-confirm]").click();
  await dialog.waitFor({ state: "detached" });
  const threads = card(mx.page).locator("[data-testid=proposal-threads]");
  await threads.waitFor({ timeout: 8000 });
  await threads.click();
  const open = mx.page.locator("[data-testid=thread].focus");
  await open.waitFor();
  assert.match(await open.innerText(), /Which deadline\?/);
  await shot(mx.page, "proposal-reply");
  for (const s of [mx, chair]) await s.context.close();
});

/** A new context signed in as `login`, at a viewport, in an interface language. */
async function at(login, viewport, lang = "en") {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((l) => localStorage.setItem("pluma.lang", l), lang);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "pluma-demo");
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=who]", { state: "attached" });
  return { context, page, errors };
}

/** Closes a context made by `at`, failing on any uncaught error of its page. */
async function close(s) {
  await s.context.close();
  assert.deepEqual(s.errors, [], "no uncaught page error");
}

/** Opens a draft and waits for its text and its lock. */
async function openDraftPage(page, id) {
  await page.goto(`${server.url}/#/draft/${id}`);
  await page.waitForSelector(".para .text .pm");
  await page.waitForSelector(".paragraphs[data-lock=open], .paragraphs[data-lock=locked]", { timeout: 15000 });
}

async function drafts() {
  const { token, apiGet } = await import("./harness.mjs");
  const tok = await token(server.url, "secretariat");
  return apiGet(server.url, tok, "/api/drafts");
}

/// At 1366×768 (a delegate's laptop) every role reads the first paragraph's text on the
/// first screen, whatever the workflow controls above it.
test("the first paragraph's text is on a laptop's first screen for every role", async () => {
  for (const login of ["pe", "ar-chair", "mx", "secretariat"]) {
    const s = await at(login, { width: 1366, height: 768 });
    await openDraftPage(s.page, draft.id);
    await s.page.waitForSelector("[data-testid=dashboard]");
    const box = await s.page.locator(".para").first().locator(".text .pm").first().boundingBox();
    assert.ok(box && box.y > 0 && box.y + 22 <= 768, `${login}: the first paragraph's text at y=${box?.y}`);
    await shot(s.page, `laptop-draft-${login}`);
    // A paragraph jumped to lands below the sticky toolbar, its head in view.
    const [top, bar] = await s.page.evaluate(() => {
      const para = document.querySelectorAll(".para")[8];
      para.scrollIntoView({ block: "start" });
      return [para.getBoundingClientRect().top, document.querySelector(".toolbar").getBoundingClientRect().bottom];
    });
    assert.ok(top >= bar, `${login}: the paragraph at ${top}, the toolbar down to ${bar}`);
    await close(s);
  }
});

/** Fails if the page is wider than the window. */
async function fits(page, what) {
  const [scroll, inner] = await page.evaluate(() => [document.scrollingElement.scrollWidth, innerWidth]);
  assert.ok(scroll <= inner, `${what}: ${scroll} px wide in a ${inner} px window`);
}

/// On a phone (390×844) no page and no open dialog is wider than the screen; the draft shows
/// one language, the header is one line, the panel is a drawer opened by a button.
test("nothing wider than a phone's screen, on any page or dialog", async () => {
  const phone = { width: 390, height: 844 };
  const all = await drafts();
  const note = all.find((d) => d.kind === "concept_note");
  for (const lang of ["en", "es"]) {
    const login = await browser.newContext({ viewport: phone });
    await login.addInitScript((l) => localStorage.setItem("pluma.lang", l), lang);
    const loginPage = await login.newPage();
    await loginPage.goto(`${server.url}/`);
    await loginPage.waitForSelector("input[name=login]");
    await fits(loginPage, `login (${lang})`);
    await shot(loginPage, `phone-login-${lang}`);
    await login.close();
    const s = await at("secretariat", phone, lang);
    const { page } = s;
    await page.waitForSelector("[data-testid=draft-link]");
    await fits(page, `meetings (${lang})`);
    await shot(page, `phone-meetings-${lang}`);
    const meetingLink = page.locator("a[href^='#/meeting/']").first();
    await meetingLink.click();
    await page.waitForSelector("[data-testid=agenda]");
    await fits(page, `meeting (${lang})`);
    await shot(page, `phone-meeting-${lang}`);
    for (const d of [draft, note]) {
      await openDraftPage(page, d.id);
      await fits(page, `${d.kind} (${lang})`);
      const header = await page.locator("header.top").boundingBox();
      assert.ok(header.height < 50, `a header of one line: ${header.height} px`);
      assert.equal(await page.locator(".para").first().locator(".text .pm").count(), 1, "one language at a time");
      await shot(page, `phone-${d.kind}-${lang}`);
    }
    // The panel, as a drawer.
    await page.click("[data-testid=open-panel]");
    await page.locator("aside.panel.open").waitFor();
    await page.waitForTimeout(300); // its slide in
    await fits(page, `the panel's drawer (${lang})`);
    await shot(page, `phone-drawer-${lang}`);
    await page.click("[data-testid=tab-versions]");
    await page.click("[data-testid=close-panel]");
    // Every dialog: export, bring back a Word file, compare.
    for (const [open, dialog] of [["export-open", "export-dialog"], ["return-open", "return-dialog"]]) {
      await page.click(`[data-testid=${open}]`);
      await page.locator(`dialog[open]`).first().waitFor();
      await fits(page, `${dialog} (${lang})`);
      await shot(page, `phone-${dialog}-${lang}`);
      await page.keyboard.press("Escape");
      await page.locator("dialog[open]").waitFor({ state: "detached" }).catch(() => {});
    }
    await close(s);
  }
});

/// The compare view on a phone: two versions saved, compared; nothing overflows.
test("the compare view fits a phone", async () => {
  const s = await at("secretariat", { width: 390, height: 844 }, "es");
  const { page } = s;
  await openDraftPage(page, draft.id);
  await page.click("[data-testid=open-panel]");
  await page.click("[data-testid=tab-versions]");
  const { token, post } = await import("./harness.mjs");
  const tok = await token(server.url, "secretariat");
  for (const label of ["A", "B"]) {
    const r = await post(server.url, tok, `/api/drafts/${draft.id}/versions`, { label });
    assert.ok(r.status < 300, `version ${label}: ${r.status}`);
  }
  await page.click("[data-testid=tab-activity]");
  await page.click("[data-testid=tab-versions]");
  await page.locator("[data-testid=version] [data-testid=compare-previous]").first().click();
  await page.locator("[data-testid=compare-view]").waitFor();
  await fits(page, "the compare view");
  await shot(page, "phone-compare-es");
  await close(s);
});

/// A draft opened once opens again offline: the app's shell from the service worker, the
/// draft from IndexedDB. An edit made offline is kept, and syncs once back online: the
/// server has it, and so has another browser. Offline, the polls wait (no failed request).
test("a draft opens offline, and an edit made offline reaches the server once online", async () => {
  const mx = await at("mx", { width: 1366, height: 768 });
  const { page, context } = mx;
  const failed = [];
  page.on("console", (m) => m.type() === "error" && failed.push(m.text()));
  await openDraftPage(page, draft.id);
  await page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 15000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
  const n = (await firstOperative(page)) + 5;
  const before = await editor(page, n, "en").textContent();

  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector(".para .text .pm", { timeout: 15000 }).catch(async (e) => {
    await page.screenshot({ path: "/tmp/dbg/offline.png" });
    assert.fail(`${e.message}\n${failed.join("\n")}\n${await page.locator("body").innerText()}`);
  });
  await page.waitForSelector(".paragraphs[data-lock=open]", { timeout: 15000 });
  await page.waitForSelector("[data-testid=connection][data-state=offline]");
  assert.equal(await editor(page, n, "en").textContent(), before, "the draft as it was, from IndexedDB");
  const ed = editor(page, n, "en");
  await ed.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" kept offline");
  await until("the offline edit drawn", async () => (await ed.textContent()).endsWith(" kept offline")).catch(async (e) => {
    await page.screenshot({ path: "/tmp/dbg/offline.png" });
    assert.fail(`${e.message}: ${await ed.textContent()}\n${failed.join("\n")}`);
  });
  // Several polls' time offline: none is attempted, none fails on the console.
  await page.waitForTimeout(4000);
  await shot(page, "offline-edit");
  assert.deepEqual(failed, [], "no console error while offline");

  await context.setOffline(false);
  await page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 15000 });
  const { doc } = await serverDoc(server.url, "secretariat", draft.url);
  const pid = doc.order[n];
  assert.match(doc.paragraphs[pid].text.en, / kept offline/);
  const chair = await signedIn(browser, server.url, "ar-chair", draft.id);
  await until("the edit in another browser", async () => (await editor(chair.page, n, "en").textContent()).includes(" kept offline"), 8000);
  await chair.context.close();
  await close(mx);
});
