// Reading and writing one automerge text with tracked-change marks: the bridge between the
// pure planning in suggest.ts and the document.
import * as A from "@automerge/automerge";
import { type CharMarks, type Op, type TrackValue, parseMarkName } from "./suggest";

export type TextPath = A.Prop[];

/** The tracked-change marks on every character of the text at `path`. */
export function charMarks(doc: A.Doc<unknown>, path: TextPath, length: number): CharMarks[] {
  const out: CharMarks[] = Array.from({ length }, () => ({}));
  for (const m of A.marks(doc, path)) {
    if (!parseMarkName(m.name) || typeof m.value !== "string") continue;
    for (let i = Math.max(0, m.start); i < Math.min(m.end, length); i++) out[i][m.name] = m.value;
  }
  return out;
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
