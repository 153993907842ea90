// The suggesting-mode transaction logic, on the in-memory model and on real automerge texts.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { applyOps as applyToDoc, charMarks, displaySpans, textAt } from "../../src/logic/amText";
import { type CharMarks, type Editor, type Plan, applyOps, parseValue, planDirect, planSuggestion, planUndo } from "../../src/logic/suggest";

const mx: Editor = { country: "MX", user: "u00000000000000a1", actor: "aa" };
const ar: Editor = { country: "AR", user: "u00000000000000b2", actor: "bb" };

let counter = 0;
const ids = () => `s${(++counter).toString(16).padStart(16, "0")}`;

interface Model {
  text: string;
  chars: CharMarks[];
}
const model = (text: string): Model => ({ text, chars: Array.from(text, () => ({})) });
function suggest(m: Model, from: number, to: number, text: string, who: Editor): [Model, Plan] {
  const plan = planSuggestion(m.chars, (s, e) => m.text.slice(s, e), { from, to, text }, who, 1000, ids);
  return [applyOps(m.text, m.chars, plan.ops), plan];
}
// The characters of `m` carrying `mark`, as a string.
const marked = (m: Model, mark: string) => Array.from(m.text).filter((_, i) => m.chars[i][mark] !== undefined).join("");

describe("suggesting mode", () => {
  it("marks typed text as the country's proposed insertion", () => {
    const [m, plan] = suggest(model("We meet."), 7, 7, " in 2022", mx);
    expect(m.text).toBe("We meet in 2022.");
    expect(marked(m, "ins:MX")).toBe(" in 2022");
    const v = parseValue(m.chars[7]["ins:MX"]);
    expect(v).toMatchObject({ user: mx.user, at: 1000, actor: "aa" });
    expect(plan.caret).toBe(15);
  });

  it("extends one's own proposal when typing right after it", () => {
    const [m1] = suggest(model("We meet."), 7, 7, " in", mx);
    const [m2] = suggest(m1, 10, 10, " 2022", mx);
    expect(marked(m2, "ins:MX")).toBe(" in 2022");
    const first = parseValue(m2.chars[7]["ins:MX"])!.id;
    expect(parseValue(m2.chars[13]["ins:MX"])!.id).toBe(first);
  });

  it("really deletes characters of the country's own pending insertion", () => {
    const [m1] = suggest(model("We meet."), 7, 7, " in 2022", mx);
    const [m2, plan] = suggest(m1, 10, 15, "", mx);
    expect(m2.text).toBe("We meet in.");
    expect(marked(m2, "del:MX")).toBe("");
    expect(plan.ops).toEqual([{ kind: "delete", at: 10, len: 5 }]);
  });

  it("keeps others' text and marks it for deletion, struck through", () => {
    const [m, plan] = suggest(model("We shall meet."), 3, 9, "", mx);
    expect(m.text).toBe("We shall meet.");
    expect(marked(m, "del:MX")).toBe("shall ");
    expect(plan.caret).toBe(3);
    expect(plan.kept).toBe(6);
  });

  it("does not propose again what the country already proposed to delete", () => {
    const [m1] = suggest(model("We shall meet."), 3, 9, "", mx);
    const [, plan] = suggest(m1, 3, 9, "", mx);
    expect(plan.ops).toEqual([]);
  });

  it("proposes deleting another country's proposed insertion rather than removing it", () => {
    const [m1] = suggest(model("We meet."), 7, 7, " soon", ar);
    const [m2] = suggest(m1, 7, 12, "", mx);
    expect(m2.text).toBe("We meet soon.");
    expect(marked(m2, "ins:AR")).toBe(" soon");
    expect(marked(m2, "del:MX")).toBe(" soon");
  });

  it("a deletion across own and others' text deletes the own part and marks the rest", () => {
    const [m1] = suggest(model("We meet."), 2, 2, " all", mx); // "We all meet."
    const [m2, plan] = suggest(m1, 0, 11, "", mx);
    expect(m2.text).toBe("We meet.");
    expect(marked(m2, "del:MX")).toBe("We meet");
    expect(plan.kept).toBe(7);
  });

  it("pastes as one insertion, line breaks become spaces, after the struck selection", () => {
    const [m, plan] = suggest(model("We meet yearly."), 8, 14, "every\ntwo years", mx);
    expect(m.text).toBe("We meet yearlyevery two years.");
    expect(marked(m, "del:MX")).toBe("yearly");
    expect(marked(m, "ins:MX")).toBe("every two years");
    expect(plan.caret).toBe(29);
  });

  it("undo of an insertion removes it; undo of a deletion withdraws it", () => {
    const start = model("We shall meet.");
    const [m1, p1] = suggest(start, 13, 13, " again", mx);
    const back1 = applyOps(m1.text, m1.chars, planUndo(m1.chars, p1.undo, mx, true));
    expect(back1.text).toBe("We shall meet.");
    expect(back1.chars.every((c) => Object.keys(c).length === 0)).toBe(true);

    const [m2, p2] = suggest(start, 3, 9, "", mx);
    const back2 = applyOps(m2.text, m2.chars, planUndo(m2.chars, p2.undo, mx, true));
    expect(back2.text).toBe("We shall meet.");
    expect(marked(back2, "del:MX")).toBe("");
  });

  it("undo of deleting one's own proposal puts it back as a proposal", () => {
    const [m1] = suggest(model("We meet."), 7, 7, " in 2022", mx);
    const [m2, p2] = suggest(m1, 7, 15, "", mx);
    expect(m2.text).toBe("We meet.");
    const back = applyOps(m2.text, m2.chars, planUndo(m2.chars, p2.undo, mx, true));
    expect(back.text).toBe("We meet in 2022.");
    expect(marked(back, "ins:MX")).toBe(" in 2022");
  });

  it("undo leaves alone what a chair has accepted meanwhile", () => {
    const [m1, p1] = suggest(model("We meet."), 7, 7, " soon", mx);
    const accepted = { text: m1.text, chars: m1.chars.map(() => ({})) };
    const ops = planUndo(accepted.chars, p1.undo, mx, true);
    expect(ops).toEqual([]);
  });
});

describe("editing mode", () => {
  it("is a plain splice, undone by the reverse splice", () => {
    const m = model("We shall meet.");
    const plan = planDirect((s, e) => m.text.slice(s, e), m.text.length, { from: 3, to: 8, text: "will" });
    const after = applyOps(m.text, m.chars, plan.ops);
    expect(after.text).toBe("We will meet.");
    expect(after.chars.every((c) => Object.keys(c).length === 0)).toBe(true);
    const back = applyOps(after.text, after.chars, planUndo(after.chars, plan.undo, mx, false));
    expect(back.text).toBe("We shall meet.");
  });
});

describe("on an automerge text", () => {
  const path = ["text"];
  type D = { text: string };
  function run(doc: A.Doc<D>, who: Editor, from: number, to: number, text: string): A.Doc<D> {
    const t = textAt(doc, path);
    const plan = planSuggestion(charMarks(doc, path, t.length), (s, e) => t.slice(s, e), { from, to, text }, who, 5, ids);
    return A.change(doc, (d) => applyToDoc(d, path, plan.ops));
  }
  const marksOf = (doc: A.Doc<D>) => A.marks(doc, path).map((m) => [m.name, m.start, m.end]);

  it("writes insertion and deletion marks with their values", () => {
    let doc = A.from<D>({ text: "We shall meet." }, { actor: "0a" });
    doc = run(doc, { ...mx, actor: "0a" }, 13, 13, " again");
    doc = run(doc, { ...mx, actor: "0a" }, 3, 9, "");
    expect(doc.text).toBe("We shall meet again.");
    expect(marksOf(doc)).toEqual([["del:MX", 3, 9], ["ins:MX:0a", 13, 19]]);
    const del = parseValue(A.marks(doc, path).find((m) => m.name === "del:MX")!.value as string)!;
    expect(Object.keys(del.seen ?? {})).toEqual(["0a"]);
  });

  it("text typed inside another country's proposal does not join it", () => {
    let a = A.from<D>({ text: "We meet." }, { actor: "0a" });
    a = run(a, { ...ar, actor: "0a" }, 7, 7, " soon");
    let b = A.clone(a, { actor: "0b" });
    b = run(b, { ...mx, actor: "0b" }, 9, 9, "XX");
    expect(b.text).toBe("We meet sXXoon.");
    const chars = charMarks(b, path, b.text.length);
    expect(Object.keys(chars[9])).toEqual(["ins:MX"]);
    expect(Object.keys(chars[10])).toEqual(["ins:MX"]);
    expect(parseValue(chars[9]["ins:MX"])?.actor).toBe("0b");
    for (const i of [7, 8, 11, 12, 13]) expect(Object.keys(chars[i]), `character ${i}`).toEqual(["ins:AR"]);
    // Shown the same way.
    const shown = displaySpans(b, path).map((s) => (s.type === "text" ? [s.value, Object.keys(s.marks ?? {})] : []));
    expect(shown).toEqual([["We meet", []], [" s", ["ins:AR"]], ["XX", ["ins:MX"]], ["oon", ["ins:AR"]], [".", []]]);
  });

  // automerge anchors a mark's start to the character before it, so when two replicas insert
  // at one spot at once either mark's range can enclose the other's characters.
  it("two replicas of one delegation typing at one spot at once each keep their proposal", () => {
    const colleague: Editor = { ...mx, user: "u00000000000000a2" };
    let enclosed = 0;
    for (const [x, y] of [["0a", "0b"], ["0b", "0a"]]) {
      for (let extra = 0; extra < 4; extra++) {
        const base = A.from<D>({ text: "We meet." }, { actor: "01" });
        let a = A.clone(base, { actor: x });
        let b = A.clone(base, { actor: y });
        for (let i = 0; i < extra; i++) b = A.change(b, (d) => A.splice(d, path, 0, 0, "z"));
        a = run(a, { ...mx, actor: x }, 7, 7, " soon");
        b = run(b, { ...colleague, actor: y }, 7 + extra, 7 + extra, " again");
        const merged = A.merge(a, b);
        const t = textAt(merged, path);
        const chars = charMarks(merged, path, t.length);
        const names = A.marks(merged, path).map((m) => m.name);
        if (A.marks(merged, path).some((m) => m.name === `ins:MX:${x}` && t.slice(m.start, m.end).includes("again"))) enclosed++;
        expect(names).toContain(`ins:MX:${x}`);
        for (let i = 0; i < t.length; i++) {
          const typedBy = /@([0-9a-f]+)$/.exec(A.getCursor(merged, path, i))![1];
          const v = parseValue(chars[i]["ins:MX"]);
          if (typedBy === "01" || typedBy === y && t[i] === "z") expect(v).toBeNull();
          else expect(v?.actor, `character ${i} of "${t}"`).toBe(typedBy);
        }
        // The editor shows each character with the proposal that holds it.
        const shown = displaySpans(merged, path).flatMap((s) => (s.type === "text" ? Array.from(s.value, () => s.marks?.["ins:MX"]) : []));
        expect(shown).toEqual(chars.map((c) => c["ins:MX"]));
      }
    }
    // The case this is about did occur.
    expect(enclosed).toBeGreaterThan(0);
  });
});
