// Browser test of cursor presence (issue 5): real Chromium against a real
// `pluma serve --demo` (temporary SQLite).
import assert from "node:assert/strict";
import { test } from "node:test";
import { editor, shot, signedIn, until, withDemoCommunique } from "./harness.mjs";

let server;
let browser;
let draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));

/// Where Mexico's delegate has the caret shows in Argentina's page, in Mexico's colour, in
/// the right paragraph and language, and follows it; nobody sees their own cursor.
test("each delegation sees where the others' cursors are", async () => {
  const mx = await signedIn(browser, server.url, "mx", draft.id);
  const ar = await signedIn(browser, server.url, "ar", draft.id);
  const n = 3;
  await editor(mx.page, n, "en").click();
  await mx.page.keyboard.press("Control+End");
  const marker = ar.page.locator(".para").nth(n).locator(".col:has(.text[data-lang=en]) [data-testid=remote-cursor][data-country=MX]");
  await marker.waitFor({ timeout: 5000 });
  assert.equal(await ar.page.locator("[data-testid=remote-cursor]").count(), 1);
  assert.match(await marker.getAttribute("title"), /Mexico/);
  assert.equal(await marker.locator(".rc-label").innerText(), "MX");
  const chipColour = await ar.page.locator(".presence .chip", { hasText: "MX" }).evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim());
  // The marker is drawn again at every presence message; an element read the moment it was
  // replaced has no style: read until one is read whole.
  const markerColour = () => marker.evaluate((e) => getComputedStyle(e).getPropertyValue("--c").trim()).catch(() => "");
  await until("the marker in Mexico's colour", async () => (await markerColour()) === chipColour, 5000);
  // The text in Argentina's editor is untouched by the marker.
  assert.equal(await editor(ar.page, n, "en").innerText(), await editor(mx.page, n, "en").innerText());
  await shot(ar.page, "remote-cursor");

  // At the end of the text, then at its start: the marker follows.
  const box = async () => (await marker.boundingBox()) ?? { x: 0, y: 0 };
  const text = await editor(ar.page, n, "en").boundingBox();
  // The marker first appears where the click put the caret; it moves once Control+End's
  // position arrives.
  await until("the marker at the end of a paragraph of several lines, below its first line", async () => (await box()).y > text.y + 10, 5000);
  await mx.page.keyboard.press("Control+Home");
  await until("the marker at the start of the paragraph", async () => {
    const b = await box();
    return Math.abs(b.x - text.x) < 12 && Math.abs(b.y - text.y) < 12;
  }, 5000);
  // Mexico does not see its own cursor.
  assert.equal(await mx.page.locator("[data-testid=remote-cursor]").count(), 0);
  await mx.context.close();
  await ar.context.close();
});
