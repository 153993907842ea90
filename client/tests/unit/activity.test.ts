// The activity feed's wording and the silence deadline picked in a capital's wall time.
import { beforeAll, describe, expect, it } from "vitest";

(globalThis as { navigator?: unknown }).navigator ??= { language: "en" };
const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
};

let zones: typeof import("../../src/logic/zones");
let text: typeof import("../../src/logic/activityText");
beforeAll(async () => {
  zones = await import("../../src/logic/zones");
  text = await import("../../src/logic/activityText");
});

describe("deadlines in a capital's wall time", () => {
  it("reads the input in the chair's capital, not the browser's zone", () => {
    expect(zones.wallTimeIn("2021-11-30T18:00", "America/New_York")).toBe(Date.UTC(2021, 10, 30, 23, 0));
    expect(zones.wallTimeIn("2021-11-30T18:00", "America/Argentina/Buenos_Aires")).toBe(Date.UTC(2021, 10, 30, 21, 0));
    expect(zones.wallTimeIn("2021-11-30T18:00:30", "America/Mexico_City")).toBe(Date.UTC(2021, 11, 1, 0, 0, 30));
    // Summer time in Washington: GMT-4.
    expect(zones.wallTimeIn("2021-07-01T12:00", "America/New_York")).toBe(Date.UTC(2021, 6, 1, 16, 0));
    expect(zones.wallTimeIn("tomorrow", "America/Lima")).toBeNaN();
  });
  it("round-trips with the input's value", () => {
    const ms = Date.UTC(2026, 10, 28, 15, 7);
    for (const z of ["America/Lima", "America/Mexico_City", "Europe/Madrid", "Asia/Kolkata"]) {
      expect(zones.wallTimeIn(zones.wallTimeOf(ms, z), z)).toBe(ms);
    }
    expect(zones.wallTimeOf(ms, "America/Lima")).toBe("2026-11-28T10:07");
  });
});

describe("activity wording", () => {
  const ctx = (lang: "en" | "es") => ({
    lang,
    country: (c: string) => ({ PE: lang === "es" ? "Perú" : "Peru", MX: lang === "es" ? "México" : "Mexico", US: lang === "es" ? "Estados Unidos" : "United States", AR: "Argentina" })[c] ?? c,
    paragraph: (pid: string) => (pid === "p3" ? "OP 3" : ""),
    alternative: (_: string, id: string) => (id === "a1" ? "Alt 1" : null),
    time: (ms: number) => zones.timeRange(ms, null, "America/Lima", lang),
  });
  const entry = (country: string | null, action: string, detail: Record<string, unknown>) => ({ id: 1, at: 0, user: country ? "u1" : null, country, action, detail });

  it("says who did what, in each language", () => {
    const made = entry("PE", "changes_accepted", { events: [
      { event: "proposal_made", paragraph: "p3", lang: "es", country: "PE", kind: "insert" },
      { event: "proposal_made", paragraph: "p3", lang: "es", country: "PE", kind: "insert" },
    ] });
    expect(text.describe(made, ctx("en")).map((l) => l.text)).toEqual(["Peru proposed an insertion in OP 3 (ES)"]);
    expect(text.describe(made, ctx("es"))[0].text).toBe("Perú propuso una inserción en OP 3 (ES)");
    const alt = entry("AR", "changes_accepted", { events: [{ event: "alternative", paragraph: "p3", alternative: "a1", action: "cosponsored" }] });
    expect(text.describe(alt, ctx("es"))[0].text).toBe("Argentina copatrocinó la Alt 1 para OP 3");
    const unknownAlt = entry("AR", "changes_accepted", { events: [{ event: "alternative", paragraph: "p3", alternative: "zz", action: "adopted" }] });
    expect(text.describe(unknownAlt, ctx("en"))[0].text).toBe("Argentina adopted an alternative as the text of OP 3");
    const resolved = entry("PE", "changes_accepted", { events: [{ event: "thread_resolved", thread: "t1" }] });
    expect(text.describe(resolved, ctx("en"))[0].text).toBe("Peru resolved a comment thread");
    expect(text.describe(resolved, ctx("es"))[0].text).toBe("Perú resolvió un hilo de comentarios");
    const reopened = entry("PE", "changes_accepted", { events: [{ event: "thread_reopened", thread: "t1" }] });
    expect(text.describe(reopened, ctx("es"))[0].text).toBe("Perú reabrió un hilo de comentarios");
  });

  it("tells the silence procedure in the reader's capital time", () => {
    const started = entry("MX", "silence_started", { deadline: Date.UTC(2021, 10, 30, 23, 0) });
    const [line] = text.describe(started, ctx("en"));
    expect(line).toEqual({ text: "Mexico put the text under silence until 18:00", tone: "silence" });
    const broken = entry("US", "silence_broken", { text: "Not as drafted." });
    expect(text.describe(broken, ctx("es"))[0].text).toBe("Estados Unidos rompió el silencio con una objeción: «Not as drafted.»");
    const adopted = entry(null, "draft_adopted", { how: "silence", fingerprint: "ab".repeat(32), silence: "s1" });
    expect(text.describe(adopted, ctx("en"))[0]).toEqual({ text: "The text was adopted: the silence procedure ended without objection. Certified fingerprint abababababababab…", tone: "adopted" });
    const status = entry("AR", "paragraph_status_changed", { note: { paragraph: "p3", from: "bracketed", to: "agreed", reason: null }, events: [] });
    expect(text.describe(status, ctx("es"))[0].text).toBe("Argentina pasó OP 3 a «Acordado» (antes «Entre corchetes»)");
    expect(text.describe(entry("PE", "changes_accepted", { events: [{ event: "comment_edited", thread: "t1" }] }), ctx("en"))).toEqual([]);
  });

  it("tells a typed proposal once and a run of confirmations as one item", () => {
    const at = (id: number, country: string | null, action: string, detail: Record<string, unknown>) => ({ id, at: id * 1000, user: "u", country, action, detail });
    const typed = { events: [{ event: "proposal_made", paragraph: "p3", lang: "en", country: "US", kind: "insert" }] };
    const conc = (pid: string) => ({ note: { paragraph: pid }, events: [] });
    const ctx2 = { ...ctx("en"), paragraph: (pid: string) => ({ p1: "OP 1", p2: "OP 2", p3: "OP 3" })[pid] ?? "" };
    const g = text.groups([at(1, "US", "changes_accepted", typed), at(2, "US", "changes_accepted", typed), at(3, "SEC", "concordance_confirmed", conc("p1")),
      at(4, "SEC", "concordance_confirmed", conc("p2")), at(5, "SEC", "concordance_confirmed", conc("p3")), at(6, "US", "changes_accepted", typed)], ctx2);
    expect(g.map((x) => [x.ids, x.lines.map((l) => l.text)])).toEqual([
      [[6], ["The United States proposed an insertion in OP 3 (EN)"]],
      [[5, 4, 3], ["The secretariat confirmed the EN/ES concordance of OP 1, OP 2 and OP 3"]],
      [[2, 1], ["The United States proposed an insertion in OP 3 (EN)"]],
    ]);
  });

  it("names the person and the delegation, and the Presidency, as a chair reads it", () => {
    expect(text.actorPhrase("María Pérez", "Peru", false, "en")).toBe("María Pérez (Peru)");
    expect(text.actorPhrase("Juan Gómez", "Argentina", true, "es")).toBe("Juan Gómez (Argentina, Presidencia)");
    // A name that already says the delegation ("Delegation of Peru") is the delegation.
    expect(text.actorPhrase("Delegation of Peru", "Peru", false, "en")).toBe("Peru");
    expect(text.actorPhrase("Pro-Tempore Presidency of the SACM (Argentina)", "Argentina", true, "en")).toBe("Argentina (Presidency)");
    expect(text.actorPhrase(null, "Mexico", false, "en")).toBe("Mexico");
    // In Spanish, a name in English that says the delegation says it too.
    expect(text.actorPhrase("Delegation of Peru", "Perú", false, "es", ["Peru", "Perú"])).toBe("Perú");
  });

  it("tells proposals about whole paragraphs, with who proposed and who decided", () => {
    const people: Record<string, { name: string; presidency: boolean }> = {
      uPE: { name: "María Pérez", presidency: false },
      uAR: { name: "Pro-Tempore Presidency of the SACM (Argentina)", presidency: true },
    };
    const labels: Record<string, string> = { p5: "OP 5", pnew: "OP 5 bis", p7: "OP 7" };
    const c = (lang: "en" | "es") => ({
      ...ctx(lang),
      paragraph: (pid: string) => labels[pid] ?? "",
      before: (pid: string) => (pid === "pnew" ? "OP 5" : ""),
      person: (user: string) => people[user] ?? null,
    });
    const by = (user: string, country: string, action: string, events: unknown[]) => ({ id: 1, at: 0, user, country, action, detail: { events } });
    const made = by("uPE", "PE", "changes_accepted", [{ event: "paragraph_proposal_made", paragraph: "pnew", country: "PE", kind: "insert" }]);
    expect(text.describe(made, c("en"))[0].text).toBe("María Pérez (Peru) proposed a new paragraph after OP 5");
    expect(text.describe(made, c("es"))[0].text).toBe("María Pérez (Perú) propuso un párrafo nuevo después del OP 5");
    const deletion = by("uUS", "US", "changes_accepted", [{ event: "paragraph_proposal_made", paragraph: "p7", country: "US", kind: "delete" }]);
    expect(text.describe(deletion, c("en"))[0].text).toBe("The United States proposed deleting OP 7");
    const rejected = by("uAR", "AR", "proposals_rejected", [{ event: "paragraph_proposal_rejected", paragraph: "p7", country: "US", kind: "delete" }]);
    expect(text.describe(rejected, c("en"))[0].text).toBe("Argentina (Presidency) rejected the United States' deletion of OP 7");
    expect(text.describe(rejected, c("es"))[0].text).toBe("Argentina (Presidencia) rechazó la supresión del OP 7 propuesta por Estados Unidos");
    const accepted = by("uAR", "AR", "proposals_accepted", [{ event: "paragraph_proposal_accepted", paragraph: "pnew", country: "PE", kind: "insert" }]);
    expect(text.describe(accepted, c("en"))[0].text).toBe("Argentina (Presidency) accepted Peru's new paragraph OP 5 bis");
    const replaced = by("uAR", "AR", "proposals_accepted", [
      { event: "proposal_accepted", paragraph: "p5", lang: "en", country: "MX", kind: "delete" },
      { event: "proposal_accepted", paragraph: "p5", lang: "en", country: "MX", kind: "insert" },
      { event: "proposal_accepted", paragraph: "p5", lang: "es", country: "MX", kind: "delete" },
      { event: "proposal_accepted", paragraph: "p5", lang: "es", country: "MX", kind: "insert" },
    ]);
    expect(text.describe(replaced, c("en")).map((l) => l.text)).toEqual(["Argentina (Presidency) accepted the proposal of Mexico in OP 5 (EN, ES)"]);
    const withdrawn = by("uPE", "PE", "changes_accepted", [{ event: "paragraph_proposal_withdrawn", paragraph: "gone", country: "PE", kind: "move" }]);
    expect(text.describe(withdrawn, c("en"))[0].text).toBe("Peru withdrew its proposal to move a paragraph");
  });
});
