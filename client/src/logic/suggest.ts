// The suggesting-mode transaction logic (DESIGN §3), pure: given the marks on each
// character of one text and an edit (replace [from, to) by `text`), it plans the operations
// that turn the edit into tracked changes, and the operations that undo them.
//
// - Inserted characters carry `ins:XX:<actor>` (XX = the editor's country, the actor that of
//   this replica). Typing right after one's own pending insertion, from the same replica,
//   extends that proposal. Characters' marks are read by kind and country (`ins:XX`).
// - Deleting characters that carry the country's own pending `ins:XX` really deletes them.
// - Deleting any other character keeps it and adds `del:XX` (already proposed: left alone).
// - Replacing a selection keeps the struck text and puts the insertion after it.
// Direct (editing-mode) edits are plain splices. Positions are character indexes.

/** The tracked-change marks on one character: `ins:XX` / `del:XX` → value (a JSON string). */
export type CharMarks = Record<string, string>;

/** Who is editing. */
export interface Editor {
  /** Country (or organisation) code: the author of record. */
  country: string;
  /** User id. */
  user: string;
  /** The automerge actor (hex) that will insert the characters. */
  actor: string;
}

/** A tracked-change mark value as stored (DESIGN §3). */
export interface TrackValue {
  id: string;
  user: string;
  at: number;
  actor?: string;
  seen?: Record<string, number>;
}

/** One replacement in a text. */
export interface Edit {
  from: number;
  to: number;
  text: string;
}

/** An operation on the text, in the order it must be applied (indexes are current then). */
export type Op =
  | { kind: "insert"; at: number; text: string; mark: string | null; value: TrackValue | null }
  | { kind: "delete"; at: number; len: number }
  | { kind: "markDelete"; start: number; end: number; mark: string; value: TrackValue }
  | { kind: "unmarkDelete"; start: number; end: number; mark: string };

/** What undoing an edit takes, with positions in the text as it was right after the edit. */
export type UndoStep =
  | { kind: "removeInserted"; at: number; len: number; ownOnly: boolean }
  | { kind: "withdrawDelete"; id: string; mark: string }
  | { kind: "reinsert"; at: number; text: string; value: TrackValue | null };

/** What an edit produced. */
export interface Plan {
  ops: Op[];
  undo: UndoStep[];
  /** Where the caret goes afterwards (for a deletion: before what stays struck). */
  caret: number;
  /** How many characters of the replaced range stay in the text (struck through). */
  kept: number;
}

export function parseValue(raw: string | undefined): TrackValue | null {
  if (raw === undefined) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v === "object" && v !== null && typeof (v as TrackValue).id === "string") return v as TrackValue;
  } catch {
    // Not one of ours: treated as no proposal.
  }
  return null;
}

/** A tracked-change mark name, parsed. */
export interface MarkName {
  kind: "ins" | "del";
  country: string;
  /** For insertions: the actor (hex) whose characters the mark is for. */
  actor?: string;
}

/**
 * Parses `ins:MX:<actor>` / `del:AR` (and `ins:MX`, as drafts written before insertion
 * marks named their actor have it); null for formatting marks.
 */
export function parseMarkName(name: string): MarkName | null {
  const m = /^(ins|del):([A-Z]{2,8})(?::((?:[0-9a-f]{2}){1,64}))?$/.exec(name);
  if (!m || (m[3] !== undefined && m[1] !== "ins")) return null;
  return m[3] === undefined ? { kind: m[1] as "ins" | "del", country: m[2] } : { kind: "ins", country: m[2], actor: m[3] };
}

/** What a character's marks are read under: the kind and the country (`ins:MX`, `del:AR`). */
export function markKey(name: MarkName): string {
  return `${name.kind}:${name.country}`;
}

/**
 * The name `who`'s insertions are stored under: one per actor, so that two replicas of one
 * delegation typing at one spot at once each keep their own characters (automerge lets
 * either mark's range enclose the other's characters, and a character keeps only one value
 * per mark name).
 */
export function insertionMark(who: Editor): string {
  return `ins:${who.country}:${who.actor}`;
}

/** Every character's text is one paragraph: line breaks become spaces. */
export function normaliseInput(text: string): string {
  return text.replace(/\r\n|\r|\n|\u2028|\u2029/g, " ").replace(/\t/g, " ");
}

/** Pasted text as paragraphs: split at line breaks, each one line, empty ones dropped. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\r\n|\r|\n|\u2029/)
    .map((p) => normaliseInput(p).trim())
    .filter((p) => p.length > 0);
}

function runs(indexes: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const i of indexes) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

/**
 * Plans a suggestion: `chars[i]` are the marks on character i, `newId` makes a fresh
 * suggestion id, `now` is unix milliseconds.
 */
export function planSuggestion(chars: CharMarks[], textOf: (start: number, end: number) => string, edit: Edit, who: Editor, now: number, newId: () => string): Plan {
  const ins = `ins:${who.country}`;
  const del = `del:${who.country}`;
  const text = normaliseInput(edit.text);
  const from = Math.max(0, Math.min(edit.from, chars.length));
  const to = Math.max(from, Math.min(edit.to, chars.length));
  const ops: Op[] = [];
  const undo: UndoStep[] = [];

  const own: number[] = [];
  const strike: number[] = [];
  for (let i = from; i < to; i++) {
    if (chars[i][ins] !== undefined) own.push(i);
    else if (chars[i][del] === undefined) strike.push(i);
  }

  // Marks first, on the indexes as they are; then deletions from the end, so earlier
  // indexes stay valid; then the insertion.
  let delValue: TrackValue | null = null;
  if (strike.length > 0) {
    delValue = { id: newId(), user: who.user, at: now };
    for (const [s, e] of runs(strike)) ops.push({ kind: "markDelete", start: s, end: e, mark: del, value: delValue });
    undo.push({ kind: "withdrawDelete", id: delValue.id, mark: del });
  }
  const ownRuns = runs(own);
  const removed: Array<{ at: number; text: string; value: TrackValue | null }> = [];
  for (const [s, e] of [...ownRuns].reverse()) {
    removed.push({ at: s, text: textOf(s, e), value: parseValue(chars[s][ins]) });
    ops.push({ kind: "delete", at: s, len: e - s });
  }
  const removedBefore = (i: number) => own.filter((j) => j < i).length;

  // The insertion goes after anything kept (struck) in the range.
  const at = to - own.length;
  let caret = from;
  if (text.length > 0) {
    const prevIndex = previousKept(at, own);
    const before = prevIndex >= 0 ? chars[prevIndex] : undefined;
    const extend = before !== undefined && adjacentExtend(before[ins], who) ? parseValue(before[ins]) : null;
    // Typing over a selection is one proposal: the insertion shares the deletion's id, so
    // that the replacement is accepted, rejected or withdrawn whole.
    const value: TrackValue = extend ?? { id: delValue?.id ?? newId(), user: who.user, at: now, actor: who.actor };
    ops.push({ kind: "insert", at, text, mark: insertionMark(who), value });
    undo.push({ kind: "removeInserted", at, len: text.length, ownOnly: true });
    caret = at + text.length;
  }
  // Re-inserting what was really deleted goes back where it was: positions after the edit.
  for (const r of removed.reverse()) {
    const pos = r.at - removedBefore(r.at);
    undo.push({ kind: "reinsert", at: pos, text: r.text, value: r.value });
  }
  return { ops, undo, caret, kept: to - from - own.length };
}

// Index, in the text before the edit, of the character right before the insertion point
// once `own` characters are gone; -1 at the start.
function previousKept(at: number, own: number[]): number {
  const removed = new Set(own);
  let seen = -1;
  let kept = 0;
  for (let i = 0; kept < at; i++) {
    if (!removed.has(i)) {
      kept++;
      seen = i;
    }
  }
  return seen;
}

function adjacentExtend(raw: string | undefined, who: Editor): boolean {
  const v = parseValue(raw);
  return v !== null && v.user === who.user && (v.actor === undefined || v.actor === who.actor);
}

/** A direct edit (editing mode): a plain splice. */
export function planDirect(textOf: (start: number, end: number) => string, len: number, edit: Edit): Plan {
  const text = normaliseInput(edit.text);
  const from = Math.max(0, Math.min(edit.from, len));
  const to = Math.max(from, Math.min(edit.to, len));
  const ops: Op[] = [];
  const undo: UndoStep[] = [];
  if (to > from) {
    ops.push({ kind: "delete", at: from, len: to - from });
  }
  if (text.length > 0) {
    ops.push({ kind: "insert", at: from, text, mark: null, value: null });
    undo.push({ kind: "removeInserted", at: from, len: text.length, ownOnly: false });
  }
  if (to > from) undo.push({ kind: "reinsert", at: from + text.length, text: textOf(from, to), value: null });
  return { ops, undo, caret: from + text.length, kept: 0 };
}

/**
 * Plans undoing `steps` (positions already resolved to the current text). `ownOnly` removals
 * touch only characters that still carry the country's pending insertion: once a chair has
 * accepted them they are agreed text, and removing them would be a direct edit.
 */
export function planUndo(chars: CharMarks[], steps: UndoStep[], who: Editor, suggesting: boolean): Op[] {
  const ins = `ins:${who.country}`;
  const ops: Op[] = [];
  // Withdrawals first (no index changes), then removals from the end, then re-insertions.
  for (const s of steps) {
    if (s.kind !== "withdrawDelete") continue;
    const hits: number[] = [];
    chars.forEach((c, i) => {
      if (parseValue(c[s.mark])?.id === s.id) hits.push(i);
    });
    for (const [a, b] of runs(hits)) ops.push({ kind: "unmarkDelete", start: a, end: b, mark: s.mark });
  }
  const removals: Array<[number, number]> = [];
  for (const s of steps) {
    if (s.kind !== "removeInserted") continue;
    const idx: number[] = [];
    for (let i = s.at; i < Math.min(s.at + s.len, chars.length); i++) {
      if (!s.ownOnly || chars[i][ins] !== undefined) idx.push(i);
    }
    removals.push(...runs(idx));
  }
  removals.sort((a, b) => b[0] - a[0]);
  let shift = 0;
  for (const [a, b] of removals) {
    ops.push({ kind: "delete", at: a, len: b - a });
  }
  const reinserts = steps.filter((s): s is Extract<UndoStep, { kind: "reinsert" }> => s.kind === "reinsert").sort((a, b) => a.at - b.at);
  for (const r of reinserts) {
    const removedBefore = removals.filter(([a]) => a < r.at).reduce((n, [a, b]) => n + Math.min(b, r.at) - a, 0);
    const at = r.at - removedBefore + shift;
    if (suggesting) {
      const value: TrackValue = { id: r.value?.id ?? randomSuggestionId(who.country), user: who.user, at: r.value?.at ?? Date.now(), actor: who.actor };
      ops.push({ kind: "insert", at, text: r.text, mark: insertionMark(who), value });
    } else {
      ops.push({ kind: "insert", at, text: r.text, mark: null, value: null });
    }
    shift += r.text.length;
  }
  return ops;
}

/**
 * A fresh proposal id naming its delegation: `s`, 16 hex digits, `-` and the country
 * (`s0123456789abcdef-PE`), as the core makes them. The rules accept a new proposal only
 * under an id of its own delegation, so that no delegation's text can join another's
 * proposal and be decided with it.
 */
export function randomSuggestionId(country: string): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return "s" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") + "-" + country;
}

/** Applies operations to an in-memory text (the reference model the tests use). */
export function applyOps(text: string, chars: CharMarks[], ops: Op[]): { text: string; chars: CharMarks[] } {
  let t = text;
  let c = chars.map((m) => ({ ...m }));
  for (const op of ops) {
    switch (op.kind) {
      case "insert": {
        t = t.slice(0, op.at) + op.text + t.slice(op.at);
        const name = op.mark ? parseMarkName(op.mark) : null;
        const fresh = Array.from(op.text, () => (name && op.value ? { [markKey(name)]: JSON.stringify(op.value) } : {}));
        c = [...c.slice(0, op.at), ...fresh, ...c.slice(op.at)];
        break;
      }
      case "delete":
        t = t.slice(0, op.at) + t.slice(op.at + op.len);
        c = [...c.slice(0, op.at), ...c.slice(op.at + op.len)];
        break;
      case "markDelete":
        for (let i = op.start; i < op.end; i++) c[i] = { ...c[i], [op.mark]: JSON.stringify(op.value) };
        break;
      case "unmarkDelete":
        for (let i = op.start; i < op.end; i++) {
          const rest = { ...c[i] };
          delete rest[op.mark];
          c[i] = rest;
        }
        break;
    }
  }
  return { text: t, chars: c };
}
