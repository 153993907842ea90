// How a paragraph is named and numbered, as core/src/labels.rs does it for exports and the
// server's messages: preambular paragraphs are PP 1..n and operative paragraphs OP 1..m
// (PO in Spanish), counted separately in reading order; headings and Concept Note
// questions have no number (the text shows "Section" or "Question"). The one place in the
// client that counts paragraphs.
import type { Lang } from "./model";
import { translate } from "./words";

export type Label = { kind: "preamble" | "operative"; n: number } | { kind: "heading" | "question" };

/** Labels paragraphs one after another in reading order. */
export class Labeller {
  #preamble = 0;
  #operative = 0;

  /** The label of the next paragraph, of `kind` (a kind the client does not know names a question). */
  next(kind: string): Label {
    if (kind === "preamble") return { kind, n: ++this.#preamble };
    if (kind === "operative") return { kind, n: ++this.#operative };
    return { kind: kind === "heading" ? "heading" : "question" };
  }
}

/** `PP 3`, `OP 2` (`PO 2` in Spanish); null for headings and questions, which have no number. */
export function short(label: Label, lang: Lang): string | null {
  return "n" in label ? `${translate(lang, label.kind)} ${label.n}` : null;
}

/** A paragraph's label as the text shows it: `PP 3`, `OP 2`, or the word for its kind. */
export function labelText(label: Label, lang: Lang): string {
  return short(label, lang) ?? translate(lang, label.kind);
}

/** Every paragraph's label as the text shows it, by id, in reading order. */
export function paragraphLabels(doc: { order: string[]; paragraphs: Record<string, { kind: string } | undefined> }, lang: Lang): Map<string, string> {
  const labeller = new Labeller();
  const out = new Map<string, string>();
  for (const id of doc.order) if (!out.has(id)) out.set(id, labelText(labeller.next(doc.paragraphs[id]?.kind ?? ""), lang));
  return out;
}
