// How a paragraph is named and numbered, as core/src/labels.rs does it for exports and the
// server's messages: preambular paragraphs are PP 1..n and operative paragraphs OP 1..m
// (PO in Spanish), counted separately in reading order; headings and Concept Note
// questions have no number (the text shows "Section" or "Question"). A proposed new
// paragraph takes no number until it is accepted: it is named after the paragraph of its
// kind before it, as negotiators name it, "OP 5 bis", "OP 5 ter" ("OP 0 bis" before the
// first). The one place in the client that counts paragraphs.
import type { Lang } from "./model";
import { translate } from "./words";

/** A numbered paragraph (`ordinal` 0), or a proposed new one: the `ordinal`-th (1 = bis)
 * after number `n` of its kind; or a heading or question, which have no number. */
export type Label = { kind: "preamble" | "operative"; n: number; ordinal: number } | { kind: "heading" | "question" };

const LATIN = ["bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies", "decies", "undecies", "duodecies", "terdecies", "quaterdecies", "quindecies"];

/** The Latin adverb negotiators number inserted paragraphs with: 1 is `bis`, 2 `ter`, …;
 * past the list, `(n+1)` (as the core writes it). */
export function latinOrdinal(ordinal: number): string {
  return LATIN[ordinal - 1] ?? `(${ordinal + 1})`;
}

/** Labels paragraphs one after another in reading order. */
export class Labeller {
  #preamble = 0;
  #operative = 0;
  #newPreamble = 0;
  #newOperative = 0;

  /** The label of the next paragraph, of `kind` (a kind the client does not know names a
   * question); `proposed`: a pending proposed new paragraph, which takes no number. */
  next(kind: string, proposed = false): Label {
    if (kind === "preamble") {
      if (proposed) return { kind, n: this.#preamble, ordinal: ++this.#newPreamble };
      this.#newPreamble = 0;
      return { kind, n: ++this.#preamble, ordinal: 0 };
    }
    if (kind === "operative") {
      if (proposed) return { kind, n: this.#operative, ordinal: ++this.#newOperative };
      this.#newOperative = 0;
      return { kind, n: ++this.#operative, ordinal: 0 };
    }
    return { kind: kind === "heading" ? "heading" : "question" };
  }
}

/** `PP 3`, `OP 2` (`PO 2` in Spanish), `OP 5 bis`; null for headings and questions, which have no number. */
export function short(label: Label, lang: Lang): string | null {
  if (!("n" in label)) return null;
  const base = `${translate(lang, label.kind)} ${label.n}`;
  return label.ordinal > 0 ? `${base} ${latinOrdinal(label.ordinal)}` : base;
}

/** A paragraph's label as the text shows it: `PP 3`, `OP 2`, `OP 5 bis`, or the word for its kind. */
export function labelText(label: Label, lang: Lang): string {
  return short(label, lang) ?? translate(lang, label.kind);
}

/** What labelling reads of a draft: paragraph ids in reading order, and each one's kind,
 * whether it is a pending proposed new paragraph, and its session (a Concept Note's); the
 * draft's kind. */
export interface Labelled {
  kind?: string;
  order: string[];
  paragraphs: Record<string, { kind: string; proposed?: boolean; section?: number | null } | undefined>;
}

/** A Concept Note's labels: its prose paragraphs ("Paragraph 2"), each session's heading
 * ("Session 3") and its triggering questions numbered within it ("Session 3 · Question 2"). */
function conceptNoteLabels(doc: Labelled, lang: Lang): Map<string, string> {
  const out = new Map<string, string>();
  const questions = new Map<number, number>();
  let prose = 0;
  let loose = 0;
  for (const id of doc.order) {
    const p = doc.paragraphs[id];
    if (out.has(id) || !p) continue;
    const section = typeof p.section === "number" ? p.section : null;
    if (p.kind === "question") {
      const k = (questions.get(section ?? -1) ?? 0) + 1;
      questions.set(section ?? -1, k);
      const q = translate(lang, "cn_question", { n: k });
      out.set(id, section === null ? q : `${translate(lang, "cn_session", { n: section })} · ${q}`);
    } else if (p.kind === "heading") out.set(id, section === null ? translate(lang, "heading") : translate(lang, "cn_session", { n: section }));
    else if (p.kind === "preamble") out.set(id, translate(lang, "cn_paragraph", { n: ++prose }));
    else out.set(id, `${translate(lang, "operative")} ${++loose}`);
  }
  return out;
}

/** Every paragraph's label as the text shows it, by id, in reading order. */
export function paragraphLabels(doc: Labelled, lang: Lang): Map<string, string> {
  if (doc.kind === "concept_note") return conceptNoteLabels(doc, lang);
  const labeller = new Labeller();
  const out = new Map<string, string>();
  for (const id of doc.order) {
    const p = doc.paragraphs[id];
    if (!out.has(id)) out.set(id, labelText(labeller.next(p?.kind ?? "", p?.proposed === true), lang));
  }
  return out;
}
