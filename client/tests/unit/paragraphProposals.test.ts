// Proposals about whole paragraphs written as the core's rules expect them (a new
// paragraph, a deletion, a move, and a chair's direct actions), read back from real
// automerge documents, and grouped with text proposals: a replacement and its counterpart
// in the other language are one proposal.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { applyOps, charMarks } from "../../src/logic/amText";
import { type DraftDoc, outline } from "../../src/logic/draftDoc";
import { paragraphLabels } from "../../src/logic/labels";
import { addParagraphs, moveParagraph, moveRefused, paragraphProposalsOf, proposeDeletion, proposeMove, readingOrder, removeParagraph } from "../../src/logic/paragraphProposals";
import { changesOf, proposalTitle, proposalsOf } from "../../src/logic/proposals";
import { type Editor, planSuggestion } from "../../src/logic/suggest";

const s = (v: string) => new A.ImmutableString(v);
const pe = { country: "PE", user: "u00000000000000a1", at: 1000 };
const us = { country: "US", user: "u00000000000000b2", at: 2000 };

/** A communiqué of two preambular and three operative paragraphs (p1…p5). */
function draft(): A.Doc<DraftDoc> {
  const para = (kind: string, en: string, es: string) => ({ kind: s(kind), status: s("open"), editors: [], section: null, concordance: null, alternatives: {}, proposals: {}, text: { en, es } });
  return A.change(A.init<DraftDoc>(), (d) => {
    const raw = d as unknown as Record<string, unknown>;
    raw.kind = s("communique");
    raw.title = { en: "Joint Communiqué", es: "Comunicado Conjunto" };
    raw.paragraphs = {
      p1: para("preamble", "Mindful of mobility.", "Conscientes de la movilidad."),
      p2: para("preamble", "Reiterating rights.", "Reiterando los derechos."),
      p3: para("operative", "Decide to meet.", "Deciden reunirse."),
      p4: para("operative", "Encourage joint training.", "Alientan la capacitación conjunta."),
      p5: para("operative", "Request a plan.", "Solicitan un plan."),
    };
    raw.order = ["p1", "p2", "p3", "p4", "p5"].map(s);
  });
}
const labels = (doc: A.Doc<DraftDoc>) => [...paragraphLabels(outline(doc), "en").values()];

describe("proposals about whole paragraphs", () => {
  it("proposes a new paragraph after another, of its kind, named OP n bis until accepted", () => {
    let made: Array<{ paragraph: string; proposal: string | null }> = [];
    const doc = A.change(draft(), (d) => (made = addParagraphs(d, "p4", [{ en: "Promote data sharing.", es: "" }], pe)));
    const [{ paragraph, proposal }] = made;
    expect(paragraph).toMatch(/^p[0-9a-f]{16}$/);
    expect(proposal).toMatch(/^s[0-9a-f]{16}-PE$/);
    expect(readingOrder(doc).order).toEqual(["p1", "p2", "p3", "p4", paragraph, "p5"]);
    const p = doc.paragraphs[paragraph] as unknown as Record<string, unknown>;
    expect(String(p.kind)).toBe("operative");
    expect(String(p.status)).toBe("open");
    expect(p.concordance).toBeNull();
    expect(p.section).toBeNull();
    expect(paragraphProposalsOf(doc, paragraph)).toEqual([{ id: proposal, kind: "insert", paragraph, country: "PE", user: pe.user, at: 1000 }]);
    // Its texts are automerge texts: editable by splicing, like every other.
    const edited = A.change(doc, (d) => A.splice(d, ["paragraphs", paragraph, "text", "es"], 0, 0, "Promover"));
    expect(String(edited.paragraphs[paragraph].text.es)).toBe("Promover");
    expect(labels(doc)).toEqual(["PP 1", "PP 2", "OP 1", "OP 2", "OP 2 bis", "OP 3"]);
    // Several at once (a paste): each its own proposal, one after the other (bis, ter).
    const two = A.change(draft(), (d) => (made = addParagraphs(d, "p1", [{ en: "One.", es: "" }, { en: "Two.", es: "" }], pe)));
    expect(readingOrder(two).order).toEqual(["p1", made[0].paragraph, made[1].paragraph, "p2", "p3", "p4", "p5"]);
    expect(labels(two).slice(0, 3)).toEqual(["PP 1", "PP 1 bis", "PP 1 ter"]);
    expect(made[0].proposal).not.toBe(made[1].proposal);
    // A chair's direct addition carries no proposal and takes its number at once.
    const direct = A.change(draft(), (d) => (made = addParagraphs(d, "p5", [{ en: "Close.", es: "Cierre." }], null)));
    expect(paragraphProposalsOf(direct, made[0].paragraph)).toEqual([]);
    expect(labels(direct).at(-1)).toBe("OP 4");
  });

  it("proposes deleting a paragraph, on drafts made before paragraphs had a proposals map too", () => {
    const old = A.change(draft(), (d) => delete (d.paragraphs.p4 as unknown as Record<string, unknown>).proposals);
    let id = "";
    const doc = A.change(old, (d) => (id = proposeDeletion(d, "p4", us)));
    expect(id).toMatch(/-US$/);
    expect(outline(doc).paragraphs.p4.proposals).toEqual([{ id, kind: "delete", paragraph: "p4", country: "US", user: us.user, at: 2000 }]);
    // Its number stays until the decision.
    expect(labels(doc)).toEqual(labels(draft()));
  });

  it("reads the union of two proposals maps created at once by two replicas", () => {
    const base = A.change(draft(), (d) => delete (d.paragraphs.p4 as unknown as Record<string, unknown>).proposals);
    let a = "";
    let b = "";
    const left = A.change(A.clone(base), (d) => (a = proposeDeletion(d, "p4", pe)));
    const right = A.change(A.clone(base), (d) => (b = proposeDeletion(d, "p4", us)));
    const merged = A.merge(left, right);
    expect(paragraphProposalsOf(merged, "p4").map((p) => p.id).sort()).toEqual([a, b].sort());
  });

  it("proposes a move: an entry where it would land, shown while the proposal exists", () => {
    let id = "";
    const doc = A.change(draft(), (d) => (id = proposeMove(d, "p3", "p5", us)));
    expect(doc.order.map(String)).toEqual(["p1", "p2", "p3", "p4", "p5", `p3@${id}`]);
    const { order, slots } = readingOrder(doc);
    expect(order).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    expect(slots.map((x) => (x.move ? `${x.paragraph}→` : x.paragraph))).toEqual(["p1", "p2", "p3", "p4", "p5", "p3→"]);
    const grouped = proposalsOf(doc);
    expect(grouped.map((p) => [p.kind, p.paragraph, p.after])).toEqual([["move_paragraph", "p3", "p5"]]);
    expect(proposalTitle(grouped[0], "en", (pid) => paragraphLabels(outline(doc), "en").get(pid) ?? "")).toBe("Move OP 1 after OP 3");
    expect(proposalTitle(grouped[0], "es", (pid) => paragraphLabels(outline(doc), "es").get(pid) ?? "")).toBe("Trasladar el PO 1 después del PO 3");
    // The target is not shown once the proposal is gone.
    const gone = A.change(doc, (d) => delete (d.paragraphs.p3 as unknown as { proposals: Record<string, unknown> }).proposals[id]);
    expect(readingOrder(gone).slots).toHaveLength(5);
    // Nowhere it already is, nor after itself.
    expect(moveRefused(doc, "p3", "p2")).toBe("already-there");
    expect(moveRefused(doc, "p3", "p3")).toBe("itself");
    expect(moveRefused(doc, "p1", null)).toBe("already-there");
    expect(moveRefused(doc, "p3", null)).toBeNull();
  });

  it("lets a chair remove and move paragraphs directly", () => {
    let id = "";
    const doc = A.change(draft(), (d) => (id = proposeMove(d, "p3", "p5", us)));
    const removed = A.change(doc, (d) => removeParagraph(d, "p3"));
    expect(removed.order.map(String)).toEqual(["p1", "p2", "p4", "p5"]);
    expect(removed.paragraphs.p3).toBeUndefined();
    const moved = A.change(A.clone(doc), (d) => moveParagraph(d, "p5", null));
    expect(moved.order.map(String)).toEqual(["p5", "p1", "p2", "p3", "p4", `p3@${id}`]);
  });
});

describe("proposals grouped whole", () => {
  const mx: Editor = { country: "MX", user: "u00000000000000c3", actor: "cc" };
  /** Mexico types `text` over [from, to) of p4 in `lang`, with proposal id `id`. */
  function replace(doc: A.Doc<DraftDoc>, lang: "en" | "es", from: number, to: number, text: string, id: string): A.Doc<DraftDoc> {
    const path = ["paragraphs", "p4", "text", lang];
    const current = String(doc.paragraphs.p4.text[lang]);
    const plan = planSuggestion(charMarks(doc, path, current.length), (a, b) => current.slice(a, b), { from, to, text }, mx, 3000, () => id);
    return A.change(doc, (d) => applyOps(d as A.Doc<unknown>, path, plan.ops));
  }

  it("makes a replacement and its counterpart in the other language one proposal", () => {
    const id = "s00000000000000aa-MX";
    const en = replace(draft(), "en", 0, 9, "Commit to", id);
    let grouped = proposalsOf(en);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ id, country: "MX", kind: "text", languages: ["en"], oneLanguage: true });
    expect(changesOf(grouped[0])).toEqual([{ lang: "en", deleted: "Encourage", inserted: "Commit to" }]);
    const label = (pid: string) => paragraphLabels(outline(en), "en").get(pid) ?? "";
    expect(proposalTitle(grouped[0], "en", label)).toBe("Replace “Encourage” with “Commit to”");
    expect(proposalTitle(grouped[0], "es", label)).toBe("Sustituir «Encourage» por «Commit to»");

    const both = replace(en, "es", 0, 8, "Se comprometen a", id);
    grouped = proposalsOf(both);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ id, languages: ["en", "es"], oneLanguage: false });
    expect(grouped[0].parts.map((p) => `${p.lang}:${p.kind}`)).toEqual(["en:del", "en:ins", "es:del", "es:ins"]);
    expect(proposalTitle(grouped[0], "es", label)).toBe("Sustituir «Alientan» por «Se comprometen a»");
    // Another proposal of the same delegation stays apart.
    const other = replace(both, "en", 25, 25, " soon", "s00000000000000bb-MX");
    expect(proposalsOf(other).map((p) => p.id)).toEqual([id, "s00000000000000bb-MX"]);
  });

  it("lists paragraph proposals before the text proposals of their paragraph, in reading order", () => {
    let made: Array<{ paragraph: string }> = [];
    let del = "";
    let doc = A.change(draft(), (d) => {
      made = addParagraphs(d, "p3", [{ en: "New text.", es: "" }], pe);
      del = proposeDeletion(d, "p5", us);
    });
    doc = replace(doc, "en", 0, 9, "Commit to", "s00000000000000aa-MX");
    const grouped = proposalsOf(doc);
    expect(grouped.map((p) => [p.kind, p.paragraph])).toEqual([["new_paragraph", made[0].paragraph], ["text", "p4"], ["delete_paragraph", "p5"]]);
    expect(grouped[0]).toMatchObject({ languages: ["en"], oneLanguage: true, country: "PE" });
    expect(grouped[2].id).toBe(del);
    const label = (pid: string) => paragraphLabels(outline(doc), "en").get(pid) ?? "";
    expect(proposalTitle(grouped[0], "en", label)).toBe("New paragraph OP 1 bis");
    expect(proposalTitle(grouped[2], "en", label)).toBe("Delete OP 3");
  });
});
