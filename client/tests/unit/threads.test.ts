// Comment threads on real automerge documents: a thread stays on what is left of its words
// and is detached only once all of them are gone, as the server's core reads it.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { openThread, setResolved, threadRanges, threadsOf } from "../../src/logic/threads";

type Doc = { paragraphs: Record<string, { text: { en: string; es: string } }>; threads: Record<string, never> };

describe("comment threads", () => {
  it("stay anchored when only some of their words are deleted", () => {
    let doc = A.from<Doc>({ paragraphs: { p1: { text: { en: "Ensure early detection of trafficking cases.", es: "" } } }, threads: {} });
    const quote = "early detection of trafficking";
    const from = doc.paragraphs.p1.text.en.indexOf(quote);
    doc = A.change(doc, (d) => void openThread(d, "p1", "en", from, from + quote.length, quote, "Too narrow?", { user: "u1", country: "CO" }, 1));
    const detached = (d: A.Doc<Doc>) => threadsOf(d as never)[0].detached;
    expect(detached(doc)).toBe(false);

    // Its first word, then its last, deleted: what is left is still under it.
    doc = A.change(doc, (d) => A.splice(d, ["paragraphs", "p1", "text", "en"], from, "early ".length));
    expect(doc.paragraphs.p1.text.en).toBe("Ensure detection of trafficking cases.");
    expect(detached(doc)).toBe(false);
    const last = doc.paragraphs.p1.text.en.indexOf(" trafficking");
    doc = A.change(doc, (d) => A.splice(d, ["paragraphs", "p1", "text", "en"], last, " trafficking".length));
    expect(detached(doc)).toBe(false);

    // All of it deleted: detached.
    const rest = doc.paragraphs.p1.text.en.indexOf("detection of");
    doc = A.change(doc, (d) => A.splice(d, ["paragraphs", "p1", "text", "en"], rest, "detection of".length));
    expect(doc.paragraphs.p1.text.en).toBe("Ensure  cases.");
    expect(detached(doc)).toBe(true);
  });

  it("give the highlight of an open thread where its words are now", () => {
    let doc = A.from<Doc>({ paragraphs: { p1: { text: { en: "Ensure early detection of trafficking cases.", es: "" } } }, threads: {} });
    const quote = "detection";
    const from = doc.paragraphs.p1.text.en.indexOf(quote);
    let id = "";
    doc = A.change(doc, (d) => void (id = openThread(d, "p1", "en", from, from + quote.length, quote, "Why?", { user: "u1", country: "PE" }, 1)));
    doc = A.change(doc, (d) => A.splice(d, ["paragraphs", "p1", "text", "en"], 0, 0, "We "));
    const [r] = threadRanges(doc as never, "p1", "en");
    expect(r).toEqual({ id, from: from + 3, to: from + 3 + quote.length, country: "PE" });
    expect(doc.paragraphs.p1.text.en.slice(r.from, r.to)).toBe(quote);
    expect(threadRanges(doc as never, "p1", "es")).toEqual([]);
    // A resolved thread is no longer highlighted.
    doc = A.change(doc, (d) => setResolved(d, id, true));
    expect(threadRanges(doc as never, "p1", "en")).toEqual([]);
  });
});
