// Proposals about whole paragraphs (DESIGN §3, core/src/paragraph_proposals.rs): a new
// paragraph ("OP 5 bis" until accepted), the deletion of a paragraph, its move. Reading
// them from the document, and writing them (inside `handle.change`) as the core does, so
// that the server's rules (core/src/rules/paragraph_proposals.rs) accept them:
// - each paragraph has a map `proposals`: proposal id → {kind, country, user, at}; drafts
//   made before it existed get it from the first proposal, and two replicas creating it at
//   once each keep theirs, so reads take the union of the conflicting maps;
// - a new paragraph is created by its proposer with one `insert` proposal, and placed in
//   `order` right after its anchor's first entry;
// - a move is a `move` proposal and an entry `<paragraph>@<proposal>` in `order` where the
//   paragraph would land (readers skip entries that are not paragraph ids).
// Chairs and the secretariat also add, remove and move paragraphs directly.
import * as A from "@automerge/automerge";
import { randomSuggestionId } from "./suggest";

export type ParagraphProposalKind = "insert" | "delete" | "move";

/** A pending proposal about a whole paragraph. */
export interface ParagraphProposal {
  id: string;
  kind: ParagraphProposalKind;
  paragraph: string;
  country: string;
  user: string;
  at: number;
}

/** One place in the reading order as negotiators see it: a paragraph at its place, or a
 * paragraph shown where a pending move would put it. */
export type Slot = { paragraph: string; move?: undefined } | { paragraph: string; move: ParagraphProposal };

/** Who proposes, and when (unix ms). */
export interface Stamp {
  country: string;
  user: string;
  at: number;
}

type Raw = Record<string, unknown>;
type RawParagraph = Raw & { proposals?: Record<string, Raw>; kind?: unknown; section?: unknown };
type RawDoc = { order?: unknown[]; paragraphs?: Record<string, RawParagraph> };

const s = (v: string) => new A.ImmutableString(v);
const KINDS: ParagraphProposalKind[] = ["insert", "delete", "move"];

/** Whether an entry of `order` names a paragraph (move targets are `<paragraph>@<proposal>`). */
export function isParagraphEntry(entry: string): boolean {
  return entry.length > 0 && !entry.includes("@");
}

/** The pending proposals about one paragraph, oldest first (the union of its `proposals` maps). */
export function paragraphProposalsOf(doc: unknown, pid: string): ParagraphProposal[] {
  const p = (doc as RawDoc).paragraphs?.[pid];
  if (!p) return [];
  const conflicts = A.getConflicts(p as A.Doc<unknown>, "proposals");
  const maps = conflicts ? Object.values(conflicts) : p.proposals ? [p.proposals] : [];
  const byId = new Map<string, ParagraphProposal>();
  for (const map of maps) {
    if (typeof map !== "object" || map === null) continue;
    for (const [id, v] of Object.entries(map as Record<string, Raw>)) {
      const kind = String(v?.kind) as ParagraphProposalKind;
      if (!KINDS.includes(kind)) continue;
      byId.set(id, { id, kind, paragraph: pid, country: String(v.country), user: String(v.user), at: Number(v.at) });
    }
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The raw entries of `order`, as strings. */
function rawOrder(doc: unknown): string[] {
  return ((doc as RawDoc).order ?? []).map((x) => String(x));
}

/**
 * The reading order: paragraph ids (first place wins, only paragraphs that exist), and the
 * slots, which also hold each pending move's target.
 */
export function readingOrder(doc: unknown): { order: string[]; slots: Slot[] } {
  const paragraphs = (doc as RawDoc).paragraphs ?? {};
  const order: string[] = [];
  const slots: Slot[] = [];
  const seen = new Set<string>();
  for (const entry of rawOrder(doc)) {
    if (isParagraphEntry(entry)) {
      if (seen.has(entry) || !paragraphs[entry]) continue;
      seen.add(entry);
      order.push(entry);
      slots.push({ paragraph: entry });
      continue;
    }
    const [pid, sid] = entry.split("@");
    const move = paragraphs[pid] ? paragraphProposalsOf(doc, pid).find((p) => p.id === sid && p.kind === "move") : undefined;
    if (move) slots.push({ paragraph: pid, move });
  }
  return { order, slots };
}

/** The paragraph after which a pending move would put its paragraph (null: at the start). */
export function moveLandsAfter(slots: Slot[], proposal: string): string | null {
  const at = slots.findIndex((x) => x.move?.id === proposal);
  for (let i = at - 1; i >= 0; i--) if (!slots[i].move) return slots[i].paragraph;
  return null;
}

/** The index in the raw `order` right after the anchor's first entry (0 without an anchor). */
function indexAfter(doc: unknown, anchor: string | null): number {
  if (anchor === null) return 0;
  const at = rawOrder(doc).indexOf(anchor);
  if (at < 0) throw new Error(`no paragraph ${anchor} in the order`);
  return at + 1;
}

function token(prefix: string): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return prefix + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function record(kind: ParagraphProposalKind, by: Stamp): Raw {
  return { kind: s(kind), country: s(by.country), user: s(by.user), at: by.at };
}

/** A new paragraph's texts. */
export interface NewTexts {
  en: string;
  es: string;
}

/**
 * Writes new paragraphs after `anchor` (at the start when null), one after another, each of
 * the anchor's kind and section (the first paragraph's at the start). With `by`, each is a
 * proposal of `by.country` (its own id); without, a chair's or the secretariat's direct
 * addition. Returns the new paragraphs' ids and their proposals' ids (empty when direct).
 */
export function addParagraphs(d: unknown, anchor: string | null, texts: NewTexts[], by: Stamp | null): Array<{ paragraph: string; proposal: string | null }> {
  const doc = d as RawDoc & { order: unknown[]; paragraphs: Record<string, RawParagraph> };
  const model = doc.paragraphs[anchor ?? readingOrder(d).order[0] ?? ""];
  const kind = model ? String(model.kind) : "operative";
  const section = typeof model?.section === "number" ? model.section : null;
  let index = indexAfter(d, anchor);
  const out: Array<{ paragraph: string; proposal: string | null }> = [];
  for (const text of texts) {
    const pid = token("p");
    const proposal = by ? randomSuggestionId(by.country) : null;
    doc.paragraphs[pid] = {
      kind: s(kind),
      status: s("open"),
      editors: [],
      section,
      concordance: null,
      alternatives: {},
      proposals: proposal && by ? { [proposal]: record("insert", by) } : {},
      text: { en: text.en, es: text.es },
    };
    doc.order.splice(index, 0, s(pid) as unknown as string);
    index++;
    out.push({ paragraph: pid, proposal });
  }
  return out;
}

function proposalsMap(d: unknown, pid: string): Record<string, Raw> {
  const p = (d as RawDoc).paragraphs?.[pid];
  if (!p) throw new Error(`no paragraph ${pid}`);
  // Paragraphs made before paragraph proposals existed lack the map.
  if (!p.proposals) p.proposals = {};
  return p.proposals;
}

/** Proposes deleting a paragraph; returns the proposal's id. */
export function proposeDeletion(d: unknown, pid: string, by: Stamp): string {
  const id = randomSuggestionId(by.country);
  proposalsMap(d, pid)[id] = record("delete", by);
  return id;
}

/** Why a paragraph cannot go after `anchor`: it is that paragraph, or already there. */
export function moveRefused(doc: unknown, pid: string, anchor: string | null): "itself" | "already-there" | null {
  if (anchor === pid) return "itself";
  const order = readingOrder(doc).order;
  const here = order.indexOf(pid);
  const landsBefore = anchor === null ? 0 : order.indexOf(anchor) + 1;
  return landsBefore === here || landsBefore === here + 1 ? "already-there" : null;
}

/** Proposes moving a paragraph to just after `anchor` (the start when null); returns the proposal's id. */
export function proposeMove(d: unknown, pid: string, anchor: string | null, by: Stamp): string {
  const refused = moveRefused(d, pid, anchor);
  if (refused) throw new Error(`cannot move ${pid}: ${refused}`);
  const id = randomSuggestionId(by.country);
  const index = indexAfter(d, anchor);
  proposalsMap(d, pid)[id] = record("move", by);
  (d as { order: unknown[] }).order.splice(index, 0, s(`${pid}@${id}`));
  return id;
}

/** Removes every entry of `order` for `pid` (with `targets`, also its pending moves' targets). */
function removeFromOrder(d: unknown, pid: string, targets: boolean): void {
  const order = (d as { order: unknown[] }).order;
  for (let i = order.length - 1; i >= 0; i--) {
    const e = String(order[i]);
    if (e === pid || (targets && e.startsWith(`${pid}@`))) order.splice(i, 1);
  }
}

/** A chair's or the secretariat's direct deletion of a paragraph (its threads stay, detached). */
export function removeParagraph(d: unknown, pid: string): void {
  removeFromOrder(d, pid, true);
  delete (d as { paragraphs: Record<string, unknown> }).paragraphs[pid];
}

/** A chair's or the secretariat's direct move of a paragraph to just after `anchor`. */
export function moveParagraph(d: unknown, pid: string, anchor: string | null): void {
  const refused = moveRefused(d, pid, anchor);
  if (refused) throw new Error(`cannot move ${pid}: ${refused}`);
  removeFromOrder(d, pid, false);
  (d as { order: unknown[] }).order.splice(indexAfter(d, anchor), 0, s(pid));
}
