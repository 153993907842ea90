// Reading and writing one automerge text with tracked-change marks: the bridge between the
// pure planning in suggest.ts and the document.
import * as A from "@automerge/automerge";
import { type CharMarks, type Op, type TrackValue, markKey, parseMarkName } from "./suggest";

export type TextPath = A.Prop[];

/**
 * The tracked-change marks on every character of the text at `path`, by kind and country.
 * Where two actors' insertions of one country overlap (their replicas typed at one spot at
 * once, and one mark's range encloses the other's characters), a character is the
 * insertion of the actor that typed it.
 */
export function charMarks(doc: A.Doc<unknown>, path: TextPath, length: number): CharMarks[] {
  const out: CharMarks[] = Array.from({ length }, () => ({}));
  const actors: Array<Record<string, string | undefined>> = out.map(() => ({}));
  const typedBy = new Map<number, string | undefined>();
  const actorOf = (i: number) => {
    if (!typedBy.has(i)) typedBy.set(i, opId(doc, path, i)?.[1]);
    return typedBy.get(i);
  };
  for (const m of A.marks(doc, path)) {
    const name = parseMarkName(m.name);
    if (!name || typeof m.value !== "string") continue;
    const key = markKey(name);
    for (let i = Math.max(0, m.start); i < Math.min(m.end, length); i++) {
      const contested = out[i][key] !== undefined && name.actor !== undefined && actors[i][key] !== name.actor;
      if (contested && actorOf(i) !== name.actor) continue;
      out[i][key] = m.value;
      actors[i][key] = name.actor;
    }
  }
  return out;
}

/** The text's spans as the editor shows them: tracked-change marks by kind and country. */
export function displaySpans(spans: A.Span[]): A.Span[] {
  return spans.map((s) => {
    if (s.type !== "text" || !s.marks) return s;
    const marks: A.MarkSet = {};
    for (const [name, value] of Object.entries(s.marks)) {
      const parsed = parseMarkName(name);
      const key = parsed ? markKey(parsed) : name;
      if (!(key in marks)) marks[key] = value;
    }
    return { ...s, marks };
  });
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
          if (m.start < end && m.end > op.at && parseMarkName(m.name) && m.name !== op.mark) {
            A.unmark(d, path, { start: op.at, end, expand: "none" }, m.name);
          }
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
