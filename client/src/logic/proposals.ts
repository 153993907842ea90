// Proposals as negotiators decide them (core/src/proposals.rs): one delegation's proposal,
// with one id, whatever it touches. A text proposal is every insertion and deletion of one
// country under one id in one paragraph, in either language: a replacement (a deletion and
// an insertion typed over it) is one, and its counterpart in the other language joins it;
// a proposal that changes one language only is flagged for concordance. A proposal about a
// whole paragraph (a new paragraph, its deletion, its move) is one too. Pure: the grouping
// the proposals panel, the popover in the text and the chair's decisions read.
import type * as A from "@automerge/automerge";
import { type DraftDoc, type Outline, type TextPart, outline, textPartsOf } from "./draftDoc";
import type { Lang } from "./model";
import { type ParagraphProposalKind, moveLandsAfter } from "./paragraphProposals";
import { type Key, translate } from "./words";

export type ProposalKind = "text" | "new_paragraph" | "delete_paragraph" | "move_paragraph";

/** One delegation's pending proposal, whole. */
export interface Proposal {
  id: string;
  country: string;
  /** The person who made it (its first part's, for a text proposal). */
  user: string;
  /** When (its earliest part), unix ms. */
  at: number;
  paragraph: string;
  kind: ProposalKind;
  /** A text proposal's insertions and deletions, English before Spanish, by position. */
  parts: TextPart[];
  /** The languages it changes (a new paragraph: those it gives a text in). */
  languages: Lang[];
  /** It changes one language only: its counterpart is missing. */
  oneLanguage: boolean;
  /** For a move: the paragraph it would land after (null: the start). */
  after?: string | null;
}

const PARAGRAPH_KINDS: Record<ParagraphProposalKind, ProposalKind> = { insert: "new_paragraph", delete: "delete_paragraph", move: "move_paragraph" };
const LANGS: Lang[] = ["en", "es"];

/** What grouping reads: the outline, every text part, and whether a paragraph has a text in a language. */
export interface GroupInput {
  outline: Pick<Outline, "order" | "slots" | "paragraphs">;
  parts: TextPart[];
  hasText: (pid: string, lang: Lang) => boolean;
}

/**
 * Every pending proposal, in reading order of paragraphs; in a paragraph, proposals about
 * the whole paragraph first (oldest first), then text proposals by their first part
 * (English before Spanish, then position).
 */
export function groupProposals(input: GroupInput): Proposal[] {
  const out: Proposal[] = [];
  const textByParagraph = new Map<string, Map<string, TextPart[]>>();
  for (const part of input.parts) {
    const groups = textByParagraph.get(part.paragraph) ?? new Map<string, TextPart[]>();
    textByParagraph.set(part.paragraph, groups);
    const key = `${part.country}/${part.id}`;
    groups.set(key, [...(groups.get(key) ?? []), part]);
  }
  for (const pid of input.outline.order) {
    for (const p of input.outline.paragraphs[pid]?.proposals ?? []) {
      const languages = p.kind === "insert" ? LANGS.filter((l) => input.hasText(pid, l)) : LANGS;
      out.push({
        id: p.id,
        country: p.country,
        user: p.user,
        at: p.at,
        paragraph: pid,
        kind: PARAGRAPH_KINDS[p.kind],
        parts: [],
        languages,
        oneLanguage: languages.length === 1,
        ...(p.kind === "move" ? { after: moveLandsAfter(input.outline.slots, p.id) } : {}),
      });
    }
    const texts = [...(textByParagraph.get(pid)?.values() ?? [])].map((parts) => textProposal(parts));
    texts.sort((a, b) => LANGS.indexOf(a.parts[0].lang) - LANGS.indexOf(b.parts[0].lang) || a.parts[0].start - b.parts[0].start);
    out.push(...texts);
  }
  return out;
}

/** A text proposal from its parts (one country, one id, one paragraph; never empty). */
function textProposal(list: TextPart[]): Proposal {
  const parts = [...list].sort((a, b) => LANGS.indexOf(a.lang) - LANGS.indexOf(b.lang) || a.start - b.start || (a.kind === "del" ? -1 : 1));
  const first = [...parts].sort((a, b) => a.at - b.at)[0];
  const languages = LANGS.filter((l) => parts.some((p) => p.lang === l));
  return { id: first.id, country: first.country, user: first.user, at: first.at, paragraph: first.paragraph, kind: "text", parts, languages, oneLanguage: languages.length === 1 };
}

/** Every pending proposal of a draft. */
export function proposalsOf(doc: A.Doc<DraftDoc>): Proposal[] {
  const hasText = (pid: string, l: Lang) => String(doc.paragraphs?.[pid]?.text?.[l] ?? "").trim().length > 0;
  return groupProposals({ outline: outline(doc), parts: textPartsOf(doc), hasText });
}

/** What a text proposal does in one language: the words it strikes and the words it adds. */
export interface TextChange {
  lang: Lang;
  deleted: string;
  inserted: string;
}

/** A text proposal's change in each language it touches. */
export function changesOf(p: Proposal): TextChange[] {
  return p.languages.map((lang) => {
    const of = (kind: "ins" | "del") => p.parts.filter((x) => x.lang === lang && x.kind === kind).map((x) => x.text).join(" … ");
    return { lang, deleted: of("del"), inserted: of("ins") };
  });
}

/** A quote of at most `max` characters. */
export function quote(text: string, max = 60): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/** Labels of paragraphs by id, as the text shows them ("OP 3"). */
export type Labels = (pid: string) => string;

/**
 * A proposal named as negotiators say it, in `lang`: "Replace “encourage” with “commit to”",
 * "Insert “…”", "Delete “…”", "New paragraph OP 5 bis", "Delete OP 7", "Move PP 3 after
 * PP 5". A text proposal is quoted in `lang` when it touches it, else in its other language.
 */
export function proposalTitle(p: Proposal, lang: Lang, label: Labels): string {
  const say = (key: Key, params: Record<string, string> = {}) => translate(lang, key, params);
  switch (p.kind) {
    case "new_paragraph":
      return say("pr_newParagraph", { p: label(p.paragraph) });
    case "delete_paragraph":
      return say("pr_deleteParagraph", { p: label(p.paragraph) });
    case "move_paragraph":
      return p.after ? say("pr_moveParagraph", { p: label(p.paragraph), after: label(p.after) }) : say("pr_moveToStart", { p: label(p.paragraph) });
    case "text": {
      const changes = changesOf(p);
      const c = changes.find((x) => x.lang === lang) ?? changes[0];
      if (c.deleted && c.inserted) return say("pr_replace", { old: quote(c.deleted), new: quote(c.inserted) });
      return c.inserted ? say("pr_insert", { new: quote(c.inserted) }) : say("pr_delete", { old: quote(c.deleted) });
    }
  }
}

/** The other language. */
export function otherLang(l: Lang): Lang {
  return l === "en" ? "es" : "en";
}
