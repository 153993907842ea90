// The draft document as the client reads it (DESIGN §3): its outline (paragraphs in
// reading order with kind and status, and the title) and its pending proposals. Pure.
import type * as A from "@automerge/automerge";
import { charMarks } from "./amText";
import type { Lang, ParagraphKind, Status } from "./model";
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

/** The draft's outline with plain strings (automerge reads stored scalar strings as objects). */
export interface Outline {
  order: string[];
  paragraphs: Record<string, { kind: Paragraph["kind"]; status: Paragraph["status"] }>;
  title: { en: string; es: string };
}
export function outline(doc: A.Doc<DraftDoc>): Outline {
  const order = (doc.order ?? []).map((x) => String(x));
  const paragraphs: Outline["paragraphs"] = {};
  for (const id of order) {
    const p = doc.paragraphs?.[id];
    if (p) paragraphs[id] = { kind: String(p.kind) as Paragraph["kind"], status: String(p.status) as Paragraph["status"] };
  }
  return { order, paragraphs, title: { en: String(doc.title?.en ?? ""), es: String(doc.title?.es ?? "") } };
}

export interface Proposal {
  id: string;
  country: string;
  kind: "ins" | "del";
  user: string;
  at: number;
  paragraph: string;
  lang: Lang;
  text: string;
}

/**
 * Every pending proposal in the document, in reading order. Characters are read as
 * `charMarks` attributes them: a character counts for the proposal that holds it, not for
 * every mark whose range reaches over it.
 */
export function proposalsOf(doc: A.Doc<DraftDoc>): Proposal[] {
  const out: Proposal[] = [];
  for (const pid of outline(doc).order) {
    const p = doc.paragraphs?.[pid];
    if (!p) continue;
    for (const l of ["en", "es"] as const) {
      const text = String(p.text[l]);
      const byId = new Map<string, Proposal>();
      charMarks(doc, ["paragraphs", pid, "text", l], text.length).forEach((marks, i) => {
        for (const [key, raw] of Object.entries(marks)) {
          const name = parseMarkName(key);
          const v = parseValue(raw);
          if (!name || !v) continue;
          const prev = byId.get(`${key}/${v.id}`);
          if (prev) prev.text += text[i];
          else byId.set(`${key}/${v.id}`, { id: v.id, country: name.country, kind: name.kind, user: v.user, at: v.at, paragraph: pid, lang: l, text: text[i] });
        }
      });
      out.push(...byId.values());
    }
  }
  return out;
}

