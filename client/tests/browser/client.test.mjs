// Browser tests of the client as delegations, chairs and the secretariat meet it: comments
// on the text, layouts that fit a laptop and a phone, the Spanish interface.
import assert from "node:assert/strict";
import { test } from "node:test";
import { editor, shot, signedIn, until, withDemoCommunique } from "./harness.mjs";

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
  await until("the highlight in the chair's browser", async () => (await hl.allTextContents()).join("") === quote, 5000);
  assert.equal(await chair.page.locator("[data-testid=tab-proposals]").getAttribute("class"), "on");
  await hl.first().click();
  const thread = chair.page.locator("[data-testid=thread].focus");
  await thread.waitFor({ timeout: 3000 });
  assert.equal(await thread.locator("blockquote").innerText(), quote);
  await chair.page.locator(".cm-hl.on").first().waitFor();
  const colour = await chair.page.locator(".cm-hl.on").first().evaluate((el) => el.style.getPropertyValue("--c"));
  const chip = await chair.page.locator("[data-testid=thread].focus .chip").first().evaluate((el) => el.style.getPropertyValue("--c"));
  assert.ok(colour && colour === chip, `the highlight in Peru's colour: ${colour} / ${chip}`);
  await shot(chair.page, "comment-highlight-open");
  for (const s of [pe, chair]) await s.context.close();
});
