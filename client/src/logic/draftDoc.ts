// The draft document as the client reads it (DESIGN §3): its outline (paragraphs in
// reading order with kind, status and the proposals about them, and the title) and its
// pending insertions and deletions. Pure.
import type * as A from "@automerge/automerge";
import { charMarks } from "./amText";
import type { Lang, ParagraphKind, Status } from "./model";
import { type ParagraphProposal, type Slot, paragraphProposalsOf, readingOrder } from "./paragraphProposals";
import { parseMarkName, parseValue } from "./suggest";

export interface Paragraph {
  kind: ParagraphKind;
  status: Status;
  editors: string[];
  section: number | null;
  text: { en: string; es: string };
}
export interface DraftDoc {
  kind: string;
  title: { en: string; es: string };
  order: string[];
  paragraphs: Record<string, Paragraph>;
}

/** The draft's outline with plain strings (automerge reads stored scalar strings as
 * objects): the paragraphs in reading order, the slots (with the places pending moves would
 * put paragraphs), each paragraph's kind, status and proposals about it, and the title. */
export interface Outline {
  /** The draft's kind ("communique", "concept_note"). */
  kind: string;
  order: string[];
  slots: Slot[];
  paragraphs: Record<string, OutlineParagraph>;
  title: { en: string; es: string };
}
export interface OutlineParagraph {
  kind: Paragraph["kind"];
  status: Paragraph["status"];
  /** Pending proposals about the whole paragraph. */
  proposals: ParagraphProposal[];
  /** Whether it is a pending proposed new paragraph (it has no number yet). */
  proposed: boolean;
  /** The agenda session it belongs to (a Concept Note's headings and questions). */
  section: number | null;
}
export function outline(doc: A.Doc<DraftDoc>): Outline {
  const { order, slots } = readingOrder(doc);
  const paragraphs: Outline["paragraphs"] = {};
  for (const id of order) {
    const p = doc.paragraphs?.[id];
    if (!p) continue;
    const proposals = paragraphProposalsOf(doc, id);
    paragraphs[id] = {
      kind: String(p.kind) as Paragraph["kind"],
      status: String(p.status) as Paragraph["status"],
      proposals,
      proposed: proposals.some((x) => x.kind === "insert"),
      section: typeof p.section === "number" ? p.section : null,
    };
  }
  return { kind: String(doc.kind ?? "communique"), order, slots, paragraphs, title: { en: String(doc.title?.en ?? ""), es: String(doc.title?.es ?? "") } };
}

/** One proposal's insertions or deletions in one text: what one proposal mark covers. */
export interface TextPart {
  id: string;
  country: string;
  kind: "ins" | "del";
  user: string;
  at: number;
  paragraph: string;
  lang: Lang;
  /** The characters, pieces apart joined by " … ". */
  text: string;
  /** Where its first character is. */
  start: number;
}

/**
 * Every pending insertion and deletion in the document, in reading order, English before
 * Spanish in a paragraph. Characters are read as `charMarks` attributes them: a character
 * counts for the proposal that holds it, not for every mark whose range reaches over it.
 */
export function textPartsOf(doc: A.Doc<DraftDoc>): TextPart[] {
  const out: TextPart[] = [];
  for (const pid of outline(doc).order) {
    const p = doc.paragraphs?.[pid];
    if (!p) continue;
    for (const l of ["en", "es"] as const) {
      const text = String(p.text[l]);
      const byId = new Map<string, TextPart & { last: number }>();
      charMarks(doc, ["paragraphs", pid, "text", l], text.length).forEach((marks, i) => {
        for (const [key, raw] of Object.entries(marks)) {
          const name = parseMarkName(key);
          const v = parseValue(raw);
          if (!name || !v) continue;
          const prev = byId.get(`${key}/${v.id}`);
          if (prev) {
            prev.text += (prev.last === i - 1 ? "" : " … ") + text[i];
            prev.last = i;
          } else byId.set(`${key}/${v.id}`, { id: v.id, country: name.country, kind: name.kind, user: v.user, at: v.at, paragraph: pid, lang: l, text: text[i], start: i, last: i });
        }
      });
      out.push(...[...byId.values()].map(({ last: _, ...part }) => part));
    }
  }
  return out;
}
