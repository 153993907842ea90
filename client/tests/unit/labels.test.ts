// Paragraph labels as core/src/labels.rs makes them (its unit test, the same kinds).
import { describe, expect, it } from "vitest";
import { Labeller, latinOrdinal, paragraphLabels, short } from "../../src/logic/labels";

describe("paragraph labels", () => {
  it("counts preambular and operative paragraphs apart; headings and questions have no number", () => {
    const l = new Labeller();
    const got = ["heading", "preamble", "preamble", "operative", "question", "operative"].map((k) => l.next(k));
    expect(got.map((x) => short(x, "en"))).toEqual([null, "PP 1", "PP 2", "OP 1", null, "OP 2"]);
    expect(short(got[5], "es")).toBe("PO 2");
    expect(short(got[1], "es")).toBe("PP 1");
  });

  it("labels an outline as the text shows it, a paragraph listed twice once (the first place wins)", () => {
    const doc = {
      order: ["h", "a", "b", "a", "q", "c"],
      paragraphs: { h: { kind: "heading" }, a: { kind: "operative" }, b: { kind: "preamble" }, q: { kind: "question" }, c: { kind: "operative" } },
    };
    expect([...paragraphLabels(doc, "en")]).toEqual([["h", "Section"], ["a", "OP 1"], ["b", "PP 1"], ["q", "Question"], ["c", "OP 2"]]);
    expect(paragraphLabels(doc, "es").get("q")).toBe("Pregunta");
    expect(paragraphLabels(doc, "es").get("c")).toBe("PO 2");
  });

  it("labels a Concept Note in its own form: prose paragraphs, sessions, questions numbered within them", () => {
    const doc = {
      kind: "concept_note",
      order: ["p1", "p2", "h3", "q1", "q2", "h4", "q3"],
      paragraphs: {
        p1: { kind: "preamble", section: null }, p2: { kind: "preamble", section: null },
        h3: { kind: "heading", section: 3 }, q1: { kind: "question", section: 3 }, q2: { kind: "question", section: 3 },
        h4: { kind: "heading", section: 4 }, q3: { kind: "question", section: 4 },
      },
    };
    expect([...paragraphLabels(doc, "en").values()]).toEqual(["Paragraph 1", "Paragraph 2", "Session 3", "Session 3 · Question 1", "Session 3 · Question 2", "Session 4", "Session 4 · Question 1"]);
    expect(paragraphLabels(doc, "es").get("q2")).toBe("Sesión 3 · Pregunta 2");
    expect(paragraphLabels(doc, "es").get("p2")).toBe("Párrafo 2");
  });

  it("names proposed new paragraphs after the one of their kind before them, bis, ter…, as the core does", () => {
    const l = new Labeller();
    const seq: Array<[string, boolean]> = [["operative", true], ["preamble", false], ["operative", false], ["operative", true], ["preamble", true], ["operative", true], ["operative", false]];
    expect(seq.map(([k, p]) => short(l.next(k, p), "en"))).toEqual(["OP 0 bis", "PP 1", "OP 1", "OP 1 bis", "PP 1 bis", "OP 1 ter", "OP 2"]);
    expect(short({ kind: "operative", n: 5, ordinal: 2 }, "es")).toBe("PO 5 ter");
    expect(latinOrdinal(4)).toBe("quinquies");
    expect(latinOrdinal(9)).toBe("decies");
    expect(latinOrdinal(20)).toBe("(21)");
  });

  it("keeps the numbers after a proposed paragraph until it is accepted", () => {
    const doc = {
      order: ["a", "b", "new", "c"],
      paragraphs: { a: { kind: "operative" }, b: { kind: "operative" }, new: { kind: "operative", proposed: true }, c: { kind: "operative" } },
    };
    expect([...paragraphLabels(doc, "en").values()]).toEqual(["OP 1", "OP 2", "OP 2 bis", "OP 3"]);
    expect(paragraphLabels(doc, "es").get("new")).toBe("PO 2 bis");
    doc.paragraphs.new.proposed = false;
    expect([...paragraphLabels(doc, "en").values()]).toEqual(["OP 1", "OP 2", "OP 3", "OP 4"]);
  });
});
