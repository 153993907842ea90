// The whole negotiation on the demo meeting, in four browsers: Mexico's and Argentina's
// chairs (the two Pro-Tempore Presidencies), Peru's and the United States' delegates. Peru
// and the United States propose; Argentina's chair accepts; the United States proposes an
// alternative that Argentina co-sponsors and Mexico's chair adopts; the paragraphs are
// agreed; Mexico's chair (whose browser runs on Tokyo time) proposes a silence procedure
// with a deadline in Mexico City time, Argentina's chair agrees, and each delegation reads
// the deadline in its own capital's time; Peru objects and the silence breaks; a second,
// short silence (proposed and agreed likewise) passes and adopts the
// text, whose fingerprint every browser shows and Peru's Word export carries. Along the
// way each delegation's activity feed fills live with what concerns it, and only that.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { inflateRawSync } from "node:zlib";
import { allowShortSilences, apiGet, shot, signedIn, token, until, withDemoCommunique } from "./harness.mjs";

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
  const files = new Map();
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString("utf8"));
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return files;
}

async function post(base, tok, path, body) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** "2026-11-28T10:07:05" (a datetime-local value): the wall time of `ms` in `zone`. */
function wallTime(ms, zone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
const hhmm = (ms, zone) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(ms));

/** Switches a signed-in page to a language and waits for the draft to be drawn again. */
async function speak(page, lang, ready = ".para .text .pm") {
  await page.click(`.lang-switch [data-lang=${lang}]`);
  await page.waitForSelector(`.lang-switch [data-lang=${lang}].on`);
  await page.waitForSelector(ready);
}

/** Opens the activity tab; returns the feed's items locator. */
async function openFeed(page) {
  await page.click("[data-testid=tab-activity]");
  await page.waitForSelector("[data-testid=activity-feed]");
  return page.locator("[data-testid=activity-item]");
}
const feedText = async (page) => (await page.locator("[data-testid=activity-list]").innerText()).replace(/\s+/g, " ");
/** Waits until a page's feed says `re`; on failure, says what it said. */
async function feedSays(page, what, re) {
  await until(what, async () => re.test(await feedText(page)), 8000).catch(async (e) => assert.fail(`${e.message}; the feed says: ${await feedText(page)}`));
}
/** The text is not settled (most paragraphs are still open): the chair goes ahead anyway,
 * with a reason, in the dialog that shows what stands in the way. */
async function goAhead(page, reason) {
  const dialog = page.locator("[data-testid=settled-dialog]");
  await dialog.waitFor({ timeout: 8000 });
  await dialog.locator("[data-testid=override-reason]").fill(reason);
  await dialog.locator("[data-testid=dialog-confirm]").click();
  await dialog.waitFor({ state: "detached", timeout: 8000 });
}
const actionsIn = (page) => page.locator("[data-testid=activity-item]").evaluateAll((els) => els.map((e) => e.dataset.action));

/** Each paragraph of the draft on `page`, by its index. */
const para = (page, n) => page.locator(".para").nth(n);
/** The last alternative proposed for paragraph `n` on `page`. */
const alt = (page, n) => para(page, n).locator("[data-testid=alternative]").last();

/** The meeting, the draft's paragraphs and the last three numbered ones, to negotiate. */
async function theNegotiationToCome() {
  const sec = await token(server.url, "secretariat");
  const [meeting] = await apiGet(server.url, sec, "/api/meetings");
  const zoneOf = (code) => meeting.delegations.find((d) => d.code === code).time_zone;
  const dash0 = await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`);
  const ops = dash0.paragraphs.map((p, i) => ({ ...p, i })).filter((p) => p.number !== null).slice(-3);
  assert.equal(ops.length, 3, "the communiqué has paragraphs to negotiate");
  return { sec, zoneOf, dash0, ops };
}

/** Peru (in Spanish) and the United States (in English) see the meeting in their own time
 * zone, then open the draft; the chairs open it in Spanish, Mexico's on Tokyo time. */
async function fourBrowsersOpenTheDraft(story) {
  // The meeting page, in Spanish for Peru and English for the United States.
  const pe = await signedIn(browser, server.url, "pe");
  await speak(pe.page, "es", "[data-testid=meeting-link]");
  await pe.page.click("[data-testid=meeting-link]");
  await pe.page.waitForSelector("[data-testid=agenda-item]");
  assert.match(await pe.page.locator("[data-testid=agenda-zone]").innerText(), /Lima/);
  await shot(pe.page, "meeting-es-pe");
  const us = await signedIn(browser, server.url, "us");
  await us.page.click("[data-testid=meeting-link]");
  await us.page.waitForSelector("[data-testid=agenda-item]");
  await shot(us.page, "meeting-en-us");

  for (const s of [pe, us]) {
    await s.page.goto(`${server.url}/#/draft/${draft.id}`);
    await s.page.waitForSelector("[data-testid=connection][data-state=saved]", { timeout: 15000 });
    await s.page.waitForSelector(".paragraphs[data-lock=open]", { timeout: 15000 });
  }
  // The chairs' browsers speak Spanish (dates in the date picker as dd/mm/aaaa).
  const ar = await signedIn(browser, server.url, "ar-chair", draft.id, { locale: "es-AR" });
  await speak(ar.page, "es");
  // Mexico's chair works from a browser on Tokyo time: the deadline must still be read in
  // Mexico City time.
  const mx = await signedIn(browser, server.url, "mx-chair", draft.id, { timezoneId: "Asia/Tokyo", locale: "es-MX" });
  await speak(mx.page, "es");
  // Nobody reloads from here on: a marker set now must survive to the end.
  for (const s of [pe, us, ar, mx]) await s.page.evaluate(() => (window.plumaStory = true));
  await openFeed(pe.page);
  await openFeed(us.page);
  Object.assign(story, { pe, us, ar, mx });
}

/** Proposals by Peru and the United States; Argentina's chair accepts both, and each
 * proposer's feed says so (Peru's nothing about the United States'). */
async function argentinaAcceptsPeruAndTheUnitedStates({ ops, pe, us, ar }) {
  const propose = async (page, n, words) => {
    const ed = para(page, n).locator(".text[data-lang=en] .pm");
    await ed.click();
    // Before the paragraph's closing full stop.
    await page.keyboard.press("Control+End");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type(words);
  };
  const proposed = [["PE", ops[0].i, " in full respect of human rights"], ["US", ops[1].i, " through regular pathways"]];
  await propose(pe.page, proposed[0][1], proposed[0][2]);
  await propose(us.page, proposed[1][1], proposed[1][2]);
  for (const [c, , words] of proposed) {
    // Every character has arrived (typing may reach the chair in several messages, and
    // accepting part of it would leave the rest pending).
    const card = ar.page.locator(`.proposal[data-country=${c}][data-kind=ins]`, { hasText: words.trim() }).first();
    await card.waitFor({ timeout: 8000 });
    await card.locator("[data-testid=accept]").click();
    await until(`${c}'s proposal accepted`, async () => (await ar.page.locator(`.proposal[data-country=${c}]`).count()) === 0, 8000);
  }
  // Peru's feed: its own proposal and its acceptance; nothing about the United States'.
  await feedSays(pe.page, "Peru's acceptance in Peru's feed", /Argentina \(Presidencia\) aceptó la propuesta de Perú/);
  assert.match(await feedText(pe.page), /Perú propuso una inserción en PO \d+ \(EN\)/);
  await feedSays(us.page, "the United States' acceptance in its feed", /Argentina \(Presidency\) accepted the proposal of the United States in OP \d+ \(EN\)/);
}

/** An alternative by the United States, co-sponsored by Argentina, adopted by Mexico's
 * chair; Peru's feed tells the adoption and nothing else of it. */
async function mexicoAdoptsTheCosponsoredAlternative({ ops, pe, us, ar, mx }) {
  const n = ops[2].i;
  await para(us.page, n).locator("[data-testid=alt-propose]").click();
  await para(us.page, n).locator("[data-testid=alt-en]").fill("Strengthen safe, orderly and regular migration across the region.");
  await para(us.page, n).locator("[data-testid=alt-es]").fill("Fortalecer la migración segura, ordenada y regular en la región.");
  await para(us.page, n).locator("[data-testid=alt-submit]").click();
  await alt(ar.page, n).waitFor({ timeout: 8000 });
  await alt(ar.page, n).locator("[data-testid=alt-cosponsor]").click();
  await feedSays(us.page, "the co-sponsorship in the United States' feed", /Argentina \(Presidency\) co-sponsored Alt \d+ for OP \d+/);
  const sponsors = async (page) => (await alt(page, n).locator("[data-testid=alt-sponsor]").allTextContents()).join(",");
  await until("both sponsors at Mexico's chair", async () => (await sponsors(mx.page)) === "US,AR", 8000).catch(async (e) => assert.fail(`${e.message}: ${await sponsors(mx.page)}`));
  await alt(mx.page, n).locator("[data-testid=alt-adopt]").click();
  await mx.page.locator("[data-testid=confirm-dialog] [data-testid=dialog-confirm]").click();
  await feedSays(pe.page, "the adoption of the alternative in Peru's feed", /México \(Presidencia\) adoptó la Alt \d+ como texto de PO \d+/);
  const peSees = await feedText(pe.page);
  assert.doesNotMatch(peSees, /Estados Unidos propuso|propuesta de Estados Unidos|copatrocinó/, `Peru sees only what concerns it: ${peSees}`);
}

/** The secretariat confirms the translations; Argentina's chair agrees the three paragraphs
 * from the dashboard, and Peru's feed hears of each. */
async function argentinaAgreesTheThreeParagraphs({ sec, dash0, ops, pe, ar }) {
  for (const p of dash0.paragraphs) {
    const r = await post(server.url, sec, `/api/drafts/${draft.id}/paragraphs/${p.paragraph}/concordance`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await ar.page.click("[data-testid=dashboard] summary");
  for (const op of ops) {
    const row = ar.page.locator(`[data-testid=dashboard] tr[data-paragraph="${op.paragraph}"]`);
    await row.locator("[data-testid=status-select]").selectOption("agreed");
    await until("the status saved", async () => (await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`)).paragraphs.find((p) => p.paragraph === op.paragraph).status === "agreed", 8000);
  }
  await until("the statuses in Peru's feed", async () => (await actionsIn(pe.page)).filter((a) => a === "paragraph_status_changed").length >= 3, 8000);
  await ar.page.evaluate(() => window.scrollTo(0, 0));
  await shot(ar.page, "dashboard-es-ar");
}

/** Mexico's chair proposes to put the text under silence until 18:00 tomorrow, Mexico City
 * time; Argentina's chair, the other Presidency, agrees, and only then does it start; each
 * delegation reads the deadline in its own capital's time. */
async function silenceUntilTomorrowInMexicoCityTime(story) {
  const { sec, zoneOf, pe, us, ar, mx } = story;
  // (Tomorrow at 18:00 may be less than a day away: the meeting's minimum period is
  // lowered for this story, whose second silence lasts seconds.)
  await allowShortSilences(server.url);
  const mxZone = zoneOf("MX");
  story.mxZone = mxZone;
  const tomorrow = wallTime(Date.now() + 86400000, mxZone).slice(0, 10);
  await openSilenceForm(mx.page);
  await mx.page.fill("[data-testid=silence-deadline]", `${tomorrow}T18:00`);
  assert.match(await mx.page.locator("[data-testid=silence-preview]").innerText(), /18:00/);
  await mx.page.click("[data-testid=start-silence]");
  await goAhead(mx.page, "Los párrafos abiertos se acordaron en la sesión plenaria.");
  await ar.page.locator("[data-testid=silence-proposal]").waitFor({ timeout: 8000 });
  assert.equal(await pe.page.locator("[data-testid=silence-banner]").count(), 0, "a proposal does not freeze the text");
  await ar.page.click("[data-testid=agree-silence]");
  await mx.page.locator("[data-testid=silence-banner]").waitFor({ timeout: 8000 });
  const silence = (await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`)).workflow.silence;
  assert.equal(wallTime(silence.deadline, mxZone), `${tomorrow}T18:00:00`, "the deadline is 18:00 in Mexico City, not in Tokyo");
  assert.match(await mx.page.locator("[data-testid=silence-banner]").innerText(), /18:00/);
  for (const [s, code] of [[pe, "PE"], [us, "US"]]) {
    const banner = s.page.locator("[data-testid=silence-banner]");
    await banner.waitFor({ timeout: 8000 });
    const text = await banner.innerText();
    assert.ok(text.includes(hhmm(silence.deadline, zoneOf(code))), `${code} reads the deadline in its capital's time: ${text}`);
  }
  for (const s of [pe, us, mx]) await s.page.evaluate(() => window.scrollTo(0, 0));
  await shot(pe.page, "silence-banner-es-pe");
  await shot(us.page, "silence-banner-en-us");
  await shot(mx.page, "silence-banner-es-mx-chair");
  await until("the silence in Peru's feed", async () => (await actionsIn(pe.page)).includes("silence_started"), 8000);
}

/** Peru objects: the silence breaks, and the United States' feed says so at once. */
async function peruObjectionBreaksTheSilence({ pe, us }) {
  await pe.page.fill("[data-testid=objection-text]", "El Perú no puede acompañar el párrafo tal como está redactado.");
  await pe.page.click("[data-testid=object]");
  await us.page.locator("[data-testid=silence-broken]").waitFor({ timeout: 8000 });
  await feedSays(us.page, "the objection in the United States' feed", /Peru broke the silence with an objection/);
  await shot(us.page, "feed-en-us");
}

/** A second silence, a few seconds long, passes and adopts the text: every browser shows
 * the certified fingerprint, and Peru's feed the adoption. */
async function shortSilenceAdoptsTheText(story) {
  const { sec, mxZone, pe, us, ar, mx } = story;
  const shortDeadline = Date.now() + 15000;
  // (Chromium shortens a value whose seconds are :00, which fill would then refuse.)
  await openSilenceForm(mx.page);
  await mx.page.fill("[data-testid=silence-deadline]", wallTime(shortDeadline, mxZone).replace(/:00$/, ""));
  await mx.page.click("[data-testid=start-silence]");
  await goAhead(mx.page, "La objeción del Perú se resolvió en consultas.");
  await ar.page.click("[data-testid=agree-silence]", { timeout: 8000 });
  await pe.page.locator("[data-testid=silence-banner]").waitFor({ timeout: 8000 });
  const fingerprints = [];
  for (const s of [pe, us, ar, mx]) {
    await s.page.locator("[data-testid=adopted-banner]").waitFor({ timeout: 40000 });
    fingerprints.push(await s.page.locator("[data-testid=fingerprint]").innerText());
  }
  const adopted = (await apiGet(server.url, sec, `/api/drafts/${draft.id}/dashboard`)).workflow.adopted;
  assert.equal(adopted.how, "silence");
  assert.deepEqual(fingerprints, Array(4).fill(adopted.fingerprint));
  await until("the adoption in Peru's feed", async () => (await actionsIn(pe.page)).includes("draft_adopted"), 8000);
  assert.match(await feedText(pe.page), /El texto fue adoptado: el procedimiento de silencio terminó sin objeciones/);
  await shot(pe.page, "adopted-feed-es-pe");
  story.adopted = adopted;
}

/** Peru exports the adopted text to Word: the file carries the fingerprint. */
async function peruWordExportCarriesTheFingerprint({ pe, adopted }) {
  await pe.page.click("[data-testid=export-open]");
  await pe.page.locator("[data-testid=export-dialog]").waitFor();
  const [download] = await Promise.all([pe.page.waitForEvent("download"), pe.page.click("[data-testid=export-docx]")]);
  const files = unzip(readFileSync(await download.path()));
  assert.ok(files.get("word/document.xml")?.includes(adopted.fingerprint), "the Word file carries the certified fingerprint");
}

test("a negotiation from the first proposal to the adopted, exported text", async () => {
  const story = await theNegotiationToCome();
  await fourBrowsersOpenTheDraft(story);
  await argentinaAcceptsPeruAndTheUnitedStates(story);
  await mexicoAdoptsTheCosponsoredAlternative(story);
  await argentinaAgreesTheThreeParagraphs(story);
  await silenceUntilTomorrowInMexicoCityTime(story);
  await peruObjectionBreaksTheSilence(story);
  await shortSilenceAdoptsTheText(story);
  await peruWordExportCarriesTheFingerprint(story);

  const { pe, us, ar, mx } = story;
  for (const s of [pe, us, ar, mx]) assert.equal(await s.page.evaluate(() => window.plumaStory), true, "no page was reloaded");
  for (const s of [pe, us, ar, mx]) await s.context.close();
});

/** Opens the chair's silence form, folded into one button. */
async function openSilenceForm(page) {
  const form = page.locator("[data-testid=silence-form]");
  await form.waitFor({ timeout: 8000 });
  if ((await form.getAttribute("open")) === null) await page.click("[data-testid=silence-open]");
}
