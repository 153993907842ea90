// Paragraph labels as core/src/labels.rs makes them (its unit test, the same kinds).
import { describe, expect, it } from "vitest";
import { Labeller, paragraphLabels, short } from "../../src/logic/labels";

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
});
