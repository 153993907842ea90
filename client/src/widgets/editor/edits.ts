// Local edits to one paragraph's text and their undo. Each edit is one replacement of
// characters [from, to) by `text`, planned by logic/suggest.ts as tracked changes
// (suggesting) or as a plain splice (editing), and written with automerge's own splice and
// mark inside `handle.change` (@automerge/prosemirror 0.2 loses custom mark attributes on
// `tr.addMark`, so proposals are never written through ProseMirror). Undo takes back one's
// own steps, a run of typing at once, at positions kept as automerge cursors.
import type * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import { applyOps, charMarks, cursorAt, indexOf, textAt } from "../../logic/amText";
import { type Editor, type UndoStep, planDirect, planSuggestion, planUndo, randomSuggestionId } from "../../logic/suggest";

/** Keystrokes closer together than this are one undo step. */
const TYPING_RUN_MS = 1000;
/** Undo steps kept. */
const UNDO_DEPTH = 200;

export interface EditTarget {
  handle: DocHandle<unknown>;
  path: A.Prop[];
  who: () => Editor;
  /** Whether edits are tracked (suggesting) or direct (editing). */
  suggesting: () => boolean;
  /** The id a new proposal takes, when it must join one (the counterpart being written). */
  proposalId?: () => string | null;
}

/** One replacement as it was asked for, to make again on redo: where (after the
 * character `after`, or at the start when null), how many characters it replaced, by what. */
interface Redo {
  after: A.Cursor | null;
  length: number;
  text: string;
}

interface UndoEntry {
  steps: UndoStep[];
  // Positions as automerge cursors, so concurrent edits by others do not shift them.
  cursors: Array<A.Cursor | null>;
  suggesting: boolean;
  /** The replacements the entry made, in order (what redo makes again). */
  redo: Redo[];
}

export class LocalEdits {
  readonly #o: EditTarget;
  /** Puts the editor's caret before character `index` of the text. */
  readonly #moveCaret: (index: number) => void;
  readonly #undo: UndoEntry[] = [];
  readonly #redo: UndoEntry[] = [];
  #lastTyping = false;
  #lastEditAt = 0;
  /** Where the last typing ended (a run of typing goes on from there). */
  #typedTo = -1;

  constructor(o: EditTarget, moveCaret: (index: number) => void) {
    this.#o = o;
    this.#moveCaret = moveCaret;
  }

  /** Replaces characters [from, to) by `text`. `forward`: a deletion with the Delete key
   * (the caret stays where it was, rather than at the deletion's start). */
  edit(from: number, to: number, text: string, forward: boolean): void {
    this.#redo.length = 0;
    this.#make(from, to, text, forward, this.#o.suggesting());
  }

  #make(from: number, to: number, text: string, forward: boolean, suggesting: boolean): void {
    const o = this.#o;
    const doc = o.handle.doc() as A.Doc<unknown>;
    const current = textAt(doc, o.path);
    // Where redo finds the place again: the character before it outlives the edit and its undo.
    const again: Redo = { after: from > 0 ? cursorAt(doc, o.path, from - 1) : null, length: to - from, text };
    const slice = (s: number, e: number) => current.slice(s, e);
    const who = o.who();
    const plan = suggesting
      ? planSuggestion(charMarks(doc, o.path, current.length), slice, { from, to, text }, who, Date.now(), () => o.proposalId?.() ?? randomSuggestionId(who.country))
      : planDirect(slice, current.length, { from, to, text });
    if (plan.ops.length === 0) {
      this.#moveCaret(forward ? to : from);
      return;
    }
    o.handle.change((d) => applyOps(d as A.Doc<unknown>, o.path, plan.ops));
    const after = o.handle.doc() as A.Doc<unknown>;
    const len = textAt(after, o.path).length;
    const cursors = plan.undo.map((s) => ("at" in s && s.at < len ? cursorAt(after, o.path, s.at) : null));
    // A run of typing is undone as one, as in a word processor.
    const typing = from === to && text.length > 0;
    const last = this.#undo[this.#undo.length - 1];
    if (typing && this.#lastTyping && last && last.suggesting === suggesting && Date.now() - this.#lastEditAt < TYPING_RUN_MS) {
      last.steps.push(...plan.undo);
      last.cursors.push(...cursors);
      const prev = last.redo[last.redo.length - 1];
      // Typing on: one insertion of the whole run.
      if (prev && prev.length === 0 && from === this.#typedTo) prev.text += text;
      else last.redo.push(again);
    } else {
      this.#undo.push({ steps: plan.undo, cursors, suggesting, redo: [again] });
    }
    this.#typedTo = from + text.length;
    this.#lastTyping = typing;
    this.#lastEditAt = Date.now();
    if (this.#undo.length > UNDO_DEPTH) this.#undo.shift();
    this.#moveCaret(text.length === 0 && forward ? plan.caret + plan.kept : plan.caret);
  }

  /** Takes back the last step (always handled: the key does nothing else). */
  undo(): boolean {
    const o = this.#o;
    this.#lastTyping = false;
    const entry = this.#undo.pop();
    if (!entry) return true;
    const doc = o.handle.doc() as A.Doc<unknown>;
    const current = textAt(doc, o.path);
    const steps = entry.steps.map((s, i) => {
      const c = entry.cursors[i];
      if (!("at" in s)) return s;
      return { ...s, at: c === null ? current.length : indexOf(doc, o.path, c) };
    });
    const ops = planUndo(charMarks(doc, o.path, current.length), steps, o.who(), entry.suggesting);
    if (ops.length > 0) o.handle.change((d) => applyOps(d as A.Doc<unknown>, o.path, ops));
    this.#redo.push(entry);
    return true;
  }

  /** Makes again the last step undone (Ctrl+Shift+Z, Ctrl+Y), in the mode it was made in;
   * any new edit forgets what was undone. Always handled. */
  redo(): boolean {
    const o = this.#o;
    this.#lastTyping = false;
    const entry = this.#redo.pop();
    if (!entry) return true;
    const before = this.#undo.length;
    for (const r of entry.redo) {
      const doc = o.handle.doc() as A.Doc<unknown>;
      const length = textAt(doc, o.path).length;
      const from = r.after === null ? 0 : Math.min(length, indexOf(doc, o.path, r.after) + 1);
      this.#make(from, Math.min(length, from + r.length), r.text, false, entry.suggesting);
      // Each replacement made again is its own undo step: joined back into one.
      this.#lastTyping = false;
    }
    const made = this.#undo.splice(before);
    if (made.length > 1) this.#undo.push({ steps: made.flatMap((e) => e.steps), cursors: made.flatMap((e) => e.cursors), suggesting: entry.suggesting, redo: made.flatMap((e) => e.redo) });
    else this.#undo.push(...made);
    return true;
  }
}
