// Reading and writing one automerge text with tracked-change marks: the bridge between the
// pure planning in suggest.ts and the document.
import * as A from "@automerge/automerge";
import { type CharMarks, type Op, type TrackValue, markKey, parseMarkName } from "./suggest";

export type TextPath = A.Prop[];

/**
 * The tracked-change marks on every character of the text at `path`, by kind and country.
 * An insertion mark that names its actor (`ins:XX:<actor>`) can reach over characters other
 * replicas typed at its edges at the same time; a character is the insertion of the actor
 * that typed it. That is read (a cursor per character) only where two such marks overlap:
 * typing inside another's proposal marks one's own characters, and a chair's acceptance
 * clears every insertion mark from the accepted characters.
 */
export function charMarks(doc: A.Doc<unknown>, path: TextPath, length: number): CharMarks[] {
  const out: CharMarks[] = Array.from({ length }, () => ({}));
  const insertions: Array<Array<[key: string, actor: string, value: string]>> = out.map(() => []);
  for (const m of A.marks(doc, path)) {
    const name = parseMarkName(m.name);
    if (!name || typeof m.value !== "string") continue;
    for (let i = Math.max(0, m.start); i < Math.min(m.end, length); i++) {
      if (name.actor === undefined) out[i][markKey(name)] = m.value;
      else insertions[i].push([markKey(name), name.actor, m.value]);
    }
  }
  insertions.forEach((found, i) => {
    if (found.length === 0) return;
    const typedBy = found.length > 1 ? opId(doc, path, i)?.[1] : found[0][1];
    for (const [key, actor, value] of found) if (actor === typedBy) out[i][key] = value;
  });
  return out;
}

/**
 * The text's spans as the editor shows them: formatting as stored, tracked-change marks by
 * kind and country as `charMarks` attributes them (a proposal's mark may reach over a
 * colleague's concurrent characters, which are the colleague's).
 */
export function displaySpans(doc: A.Doc<unknown>, path: TextPath): A.Span[] {
  const spans = A.spans(doc, path);
  const length = spans.reduce((n, s) => n + (s.type === "text" ? s.value.length : 0), 0);
  const tracked = charMarks(doc, path, length);
  const out: A.Span[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.type !== "text") {
      out.push(s);
      continue;
    }
    const formatting = Object.entries(s.marks ?? {}).filter(([name]) => !parseMarkName(name));
    for (let i = 0; i < s.value.length; i++, at++) {
      const marks: A.MarkSet = Object.fromEntries([...formatting, ...Object.entries(tracked[at])]);
      const last = out[out.length - 1];
      if (last?.type === "text" && sameMarks(last.marks ?? {}, marks)) last.value += s.value[i];
      else out.push({ type: "text", value: s.value[i], marks });
    }
  }
  return out;
}

function sameMarks(a: A.MarkSet, b: A.MarkSet): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The text at `path` as a string. */
export function textAt(doc: A.Doc<unknown>, path: TextPath): string {
  let node: unknown = doc;
  for (const p of path) node = (node as Record<string | number, unknown>)[p];
  return typeof node === "string" ? node : String(node ?? "");
}

// "counter@actor" of the character at `index`.
function opId(doc: A.Doc<unknown>, path: TextPath, index: number): [number, string] | null {
  const cursor = A.getCursor(doc, path, index);
  const m = /^(\d+)@([0-9a-f]+)$/.exec(cursor);
  return m ? [Number(m[1]), m[2]] : null;
}

/**
 * Applies planned operations inside `handle.change`. Deletion marks record what their
 * proposer saw (`seen`), so text others insert concurrently inside the range is not counted
 * as proposed for deletion; insertion marks record the inserting actor. Characters typed
 * inside somebody else's proposal do not join it.
 */
export function applyOps(d: A.Doc<unknown>, path: TextPath, ops: Op[]): void {
  for (const op of ops) {
    switch (op.kind) {
      case "insert": {
        A.splice(d, path, op.at, 0, op.text);
        const end = op.at + op.text.length;
        for (const m of A.marks(d, path)) {
          const name = parseMarkName(m.name);
          if (!(m.start < end && m.end > op.at && name && m.name !== op.mark)) continue;
          // Proposed characters carry their own insertion mark, which `charMarks` weighs
          // against another actor's reaching over them; removing that one would be anchored
          // like a mark, and could reach over the owner's concurrent characters.
          if (op.mark && name.actor !== undefined) continue;
          A.unmark(d, path, { start: op.at, end, expand: "none" }, m.name);
        }
        if (op.mark && op.value) {
          A.mark(d, path, { start: op.at, end, expand: "none" }, op.mark, JSON.stringify(op.value));
        }
        break;
      }
      case "delete":
        A.splice(d, path, op.at, op.len);
        break;
      case "markDelete": {
        const seen: Record<string, number> = {};
        for (let i = op.start; i < op.end; i++) {
          const id = opId(d, path, i);
          if (id) seen[id[1]] = Math.max(seen[id[1]] ?? 0, id[0]);
        }
        const value: TrackValue = { ...op.value, seen };
        A.mark(d, path, { start: op.start, end: op.end, expand: "none" }, op.mark, JSON.stringify(value));
        break;
      }
      case "unmarkDelete":
        A.unmark(d, path, { start: op.start, end: op.end, expand: "none" }, op.mark);
        break;
    }
  }
}

/** A stable position: the cursor of the character at `index` (or the end). */
export function cursorAt(doc: A.Doc<unknown>, path: TextPath, index: number): A.Cursor {
  return A.getCursor(doc, path, index);
}

/** Where a cursor is now. */
export function indexOf(doc: A.Doc<unknown>, path: TextPath, cursor: A.Cursor): number {
  return A.getCursorPosition(doc, path, cursor);
}
