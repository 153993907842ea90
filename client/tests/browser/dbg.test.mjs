import { test } from "node:test";
import { caretToEnd, signedIn, withDemoCommunique } from "./harness.mjs";
let server, browser, draft;
withDemoCommunique((demo) => ({ server, browser, draft } = demo));
test("dbg", async () => {
  const pe = await signedIn(browser, server.url, "pe", draft.id, { viewport: { width: 1366, height: 768 } });
  const row = pe.page.locator(".para:not(.moved-copy)").filter({ has: pe.page.locator("[data-testid=label]", { hasText: /^OP 5$/ }) });
  console.log("rows", await row.count());
  await caretToEnd(pe.page, row.locator(".text[data-lang=en] .pm"));
  await pe.page.keyboard.press("Control+End");
  console.log("sel", await pe.page.evaluate(() => [document.activeElement?.className, window.getSelection()?.anchorOffset]));
  await pe.page.keyboard.press("Enter");
  await new Promise((r) => setTimeout(r, 1500));
  console.log("notice", await pe.page.locator(".notice").innerText().catch(() => ""));
  console.log("labels", await pe.page.locator("[data-testid=label]").allTextContents());
  await pe.page.screenshot({ path: "/tmp/dbg/a.png" });
});
