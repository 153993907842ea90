// The meeting page's time formatting and the alternatives' document operations, on real
// automerge documents.
import * as A from "@automerge/automerge";
import { beforeAll, describe, expect, it } from "vitest";

// i18n reads localStorage and navigator when loaded; node 20 has neither.
(globalThis as { navigator?: unknown }).navigator ??= { language: "en" };
const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
};

let agenda: typeof import("../../src/logic/zones");
let alts: typeof import("../../src/logic/alternatives");
beforeAll(async () => {
  agenda = await import("../../src/logic/zones");
  alts = await import("../../src/logic/alternatives");
});

// Session 1 of the 2021 meeting: 9:50–10:50 GMT-6 on 9 September 2021.
const start = Date.UTC(2021, 8, 9, 15, 50);
const end = Date.UTC(2021, 8, 9, 16, 50);

describe("agenda times", () => {
  it("shows one instant in each capital's own zone", () => {
    expect(agenda.timeRange(start, end, "America/Mexico_City", "en")).toBe("10:50–11:50");
    expect(agenda.timeRange(start, end, "America/Argentina/Buenos_Aires", "en")).toBe("12:50–13:50");
    expect(agenda.timeRange(start, end, "America/Lima", "es")).toBe("10:50–11:50");
    expect(agenda.timeRange(start, end, "America/Costa_Rica", "en")).toBe("09:50–10:50");
    expect(agenda.timeRange(start, null, "America/New_York", "en")).toBe("11:50");
  });
  it("names the zone with its offset at that date", () => {
    expect(agenda.zoneOffset(start, "America/Argentina/Buenos_Aires")).toBe("GMT-3");
    expect(agenda.zoneOffset(start, "America/New_York")).toBe("GMT-4");
  });
  it("dates the day in the viewer's zone and language", () => {
    // Punctuation varies between ICU versions; the words do not.
    expect(agenda.dayLabel(start, "America/Lima", "en")).toMatch(/^Thursday,? 9 September 2021$/);
    expect(agenda.dayLabel(start, "America/Lima", "es")).toMatch(/^jueves,? 9 de septiembre de 2021$/);
    // 23:30 on the 9th at GMT-6 is already the 10th in Buenos Aires.
    const late = Date.UTC(2021, 8, 10, 5, 30);
    expect(agenda.dayLabel(late, "America/Argentina/Buenos_Aires", "en")).toMatch(/^Friday,? 10 September 2021$/);
  });
  it("uses the viewer's delegation's zone, else the browser's", () => {
    const ds = [{ code: "PE", name_en: "Peru", name_es: "Perú", conference: "sacm", time_zone: "America/Lima", is_ppt: false }];
    const me = { id: "u1", login: "pe", display_name: "Peru", role: "delegate" as const, country: "PE" };
    expect(agenda.viewerZone(me, ds)).toEqual({ zone: "America/Lima", country: "PE" });
    expect(agenda.viewerZone({ ...me, country: "SEC" }, ds).country).toBeNull();
  });
});

type Doc = { paragraphs: Record<string, { text: { en: string; es: string }; alternatives: Record<string, unknown> }> };
function draft(): A.Doc<Doc> {
  return A.from<Doc>({ paragraphs: { p1: { text: { en: "Agree to cooperate.", es: "Acuerdan cooperar." }, alternatives: {} } } });
}

describe("alternatives", () => {
  it("proposes, numbers, co-sponsors and withdraws", () => {
    let d = draft();
    let a1 = "";
    d = A.change(d, (x) => void (a1 = alts.proposeAlternative(x, "p1", { en: "Work together.", es: "Trabajar juntos." }, { user: "u-pe", country: "PE" }, 10)));
    d = A.change(d, (x) => void alts.proposeAlternative(x, "p1", { en: "Decide.", es: "Deciden." }, { user: "u-us", country: "US" }, 20));
    d = A.change(d, (x) => alts.cosponsor(x, "p1", a1, "AR"));
    d = A.change(d, (x) => alts.cosponsor(x, "p1", a1, "AR"));
    let list = alts.alternativesOf(d, "p1");
    expect(list.map((a) => [a.number, a.proposer.country, a.sponsors])).toEqual([[1, "PE", ["PE", "AR"]], [2, "US", ["US"]]]);
    expect(list[0].text.es).toBe("Trabajar juntos.");
    d = A.change(d, (x) => alts.withdrawSponsorship(x, "p1", a1, "AR", "PE"));
    expect(alts.alternativesOf(d, "p1")[0].sponsors).toEqual(["PE"]);
    d = A.change(d, (x) => alts.withdrawSponsorship(x, "p1", a1, "PE", "PE"));
    list = alts.alternativesOf(d, "p1");
    expect([list[0].state, list[0].sponsors]).toEqual(["withdrawn", ["PE"]]);
  });
  it("adopting replaces both texts and keeps the others on record", () => {
    let d = draft();
    let a = "";
    d = A.change(d, (x) => void (a = alts.proposeAlternative(x, "p1", { en: "Work together.", es: "Trabajar juntos." }, { user: "u-pe", country: "PE" }, 10)));
    d = A.change(d, (x) => void alts.proposeAlternative(x, "p1", { en: "Decide.", es: "Deciden." }, { user: "u-us", country: "US" }, 20));
    d = A.change(d, (x) => alts.adopt(x, "p1", a, { en: "Work together.", es: "Trabajar juntos." }));
    expect(String(d.paragraphs.p1.text.en)).toBe("Work together.");
    expect(String(d.paragraphs.p1.text.es)).toBe("Trabajar juntos.");
    expect(alts.alternativesOf(d, "p1").map((x) => x.state)).toEqual(["adopted", "proposed"]);
  });
});

describe("capitals", () => {
  it("name each member state's time by its capital, in both languages, from the delegations' data", () => {
    expect(agenda.placeOf("US", "America/New_York", "en")).toBe("Washington");
    expect(agenda.placeOf("MX", "America/Mexico_City", "es")).toBe("Ciudad de México");
    expect(agenda.placeOf("EC", "America/Guayaquil", "en")).toBe("Quito");
    // No delegation: the zone's city, never its id.
    expect(agenda.placeOf(null, "America/Argentina/Buenos_Aires", "es")).toBe("Buenos Aires");
  });
});

describe("stored names in both languages", () => {
  it("show the Spanish twin in Spanish when the server has one, else the name as stored", async () => {
    const { displayName, inLang } = await import("../../src/logic/model");
    const ppt = { display_name: "Pro-Tempore Presidency of the RCM (Mexico)", display_name_es: "Presidencia Pro Tempore de la CRM (México)" };
    expect(displayName(ppt, "es")).toBe("Presidencia Pro Tempore de la CRM (México)");
    expect(displayName(ppt, "en")).toBe("Pro-Tempore Presidency of the RCM (Mexico)");
    expect(displayName({ display_name: "María Pérez" }, "es")).toBe("María Pérez");
    expect(inLang("RCM PPT and SACM PPT", null, "es")).toBe("RCM PPT and SACM PPT");
    expect(inLang("RCM PPT and SACM PPT", "PPT de la CRM y PPT de la CSM", "es")).toBe("PPT de la CRM y PPT de la CSM");
  });
});
