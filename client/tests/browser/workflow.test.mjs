// Browser test of the workflow panel on the demo meeting: Argentina's chair marks a
// paragraph agreed from the dashboard; Mexico's chair puts the text under silence and the
// United States' delegate sees the deadline in Washington's time and breaks it with an
// objection; both chairs approve in their browsers and everyone sees the adopted text's
// fingerprint.
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiGet, post, shot, signedIn, token, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

/** The text is not settled: the chair goes ahead anyway, with a reason, in the dialog that
 * shows what stands in the way. */
async function goAhead(page, reason) {
  const dialog = page.locator("[data-testid=settled-dialog]");
  await dialog.waitFor({ timeout: 8000 });
  assert.match(await dialog.innerText(), /OP \d/, "the dialog names the paragraphs");
  await dialog.locator("[data-testid=override-reason]").fill(reason);
  await dialog.locator("[data-testid=dialog-confirm]").click();
  await dialog.waitFor({ state: "detached", timeout: 8000 });
}

test("status, silence with an objection, approvals and the fingerprint", async () => {
  // The secretariat confirms every paragraph's concordance (before any is agreed: an agreed
  // paragraph is frozen for everyone but the chairs).
  const secTok = await token(server.url, "secretariat");
  const dash = await apiGet(server.url, secTok, `/api/drafts/${draft.id}/dashboard`);
  for (const p of dash.paragraphs) {
    const r = await post(server.url, secTok, `/api/drafts/${draft.id}/paragraphs/${p.paragraph}/concordance`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const ar = await signedIn(browser, server.url, "ar-chair", draft.id);
  // A chair proposes by default; editing directly is a choice.
  assert.equal(await ar.page.locator("[data-testid=mode-suggesting]").getAttribute("class"), "on");
  await ar.page.click("[data-testid=dashboard] summary");
  await ar.page.waitForSelector("[data-testid=dashboard] [data-testid=status-select]");

  // Argentina's chair marks the first paragraph agreed from the dashboard.
  const row = ar.page.locator("[data-testid=dashboard] tbody tr").first();
  await row.locator("[data-testid=status-select]").selectOption("agreed");
  await until("the paragraph to show as agreed", async () => (await ar.page.locator(".para").first().locator("[data-testid=status]").innerText()).length > 0 && (await ar.page.locator("[data-testid=count-agreed]").innerText()).endsWith("1"), 5000);
  await shot(ar.page, "workflow-dashboard");

  // Mexico's chair starts a silence procedure through the API (the browser's date input is
  // exercised below by reading, not typing); the US delegate sees it in Washington's time.
  const mxTok = await token(server.url, "mx-chair");
  const deadline = Date.UTC(2031, 10, 30, 23, 0, 0);
  // The text is not settled (most paragraphs are open): the chair goes ahead with a reason.
  const refused = await post(server.url, mxTok, `/api/drafts/${draft.id}/silence`, { deadline });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  const started = await post(server.url, mxTok, `/api/drafts/${draft.id}/silence`, { deadline, settled_override: { reason: "Agreed in plenary.", ad_referendum_agreed: false } });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const us = await signedIn(browser, server.url, "us", draft.id);
  const banner = us.page.locator("[data-testid=silence-banner]");
  await banner.waitFor({ timeout: 8000 });
  const text = await banner.innerText();
  assert.match(text, /Washington time/, text);
  assert.equal(await banner.locator("[data-zone]").getAttribute("data-zone"), "America/New_York");
  assert.match(text, /18:00/, `the deadline 23:00 UTC is 18:00 in Washington: ${text}`);
  await shot(us.page, "workflow-silence-banner");
  await us.page.fill("[data-testid=objection-text]", "The United States cannot join paragraph 3 as drafted.");
  await us.page.click("[data-testid=object]");
  await us.page.locator("[data-testid=silence-broken]").waitFor({ timeout: 8000 });

  // Both chairs approve in their browsers.
  const mx = await signedIn(browser, server.url, "mx-chair", draft.id);
  // The text is not settled: each chair reads what stands in the way and goes ahead with a reason.
  await mx.page.click("[data-testid=approve]");
  await goAhead(mx.page, "The open paragraphs were agreed in plenary.");
  await until("Mexico's approval in Argentina's bar", async () => (await ar.page.locator("[data-testid=approval-bar] [data-country=MX]").innerText()).includes("✓"), 8000);
  await ar.page.click("[data-testid=approve]");
  await goAhead(ar.page, "Agreed in plenary, as the record shows.");
  for (const page of [ar.page, us.page]) {
    await page.locator("[data-testid=adopted-banner]").waitFor({ timeout: 8000 });
    const fp = await page.locator("[data-testid=fingerprint]").innerText();
    assert.match(fp, /^[0-9a-f]{64}$/);
  }
  // The adopted text offers no change to anyone: no editable text, no accept or mode buttons.
  for (const page of [ar.page, us.page]) {
    await page.locator("[data-testid=locked]").waitFor({ timeout: 8000 });
    assert.equal(await page.locator(".para [contenteditable=true]").count(), 0);
    assert.equal(await page.locator("[data-testid=mode-editing], [data-testid=accept]").count(), 0);
  }
  const after = await apiGet(server.url, secTok, `/api/drafts/${draft.id}/dashboard`);
  assert.equal(await us.page.locator("[data-testid=fingerprint]").innerText(), after.workflow.adopted.fingerprint);
  await shot(us.page, "workflow-adopted");
  for (const c of [ar, us, mx]) await c.context.close();
});
