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

interface UndoEntry {
  steps: UndoStep[];
  // Positions as automerge cursors, so concurrent edits by others do not shift them.
  cursors: Array<A.Cursor | null>;
  suggesting: boolean;
}

export class LocalEdits {
  readonly #o: EditTarget;
  /** Puts the editor's caret before character `index` of the text. */
  readonly #moveCaret: (index: number) => void;
  readonly #undo: UndoEntry[] = [];
  #lastTyping = false;
  #lastEditAt = 0;

  constructor(o: EditTarget, moveCaret: (index: number) => void) {
    this.#o = o;
    this.#moveCaret = moveCaret;
  }

  /** Replaces characters [from, to) by `text`. `forward`: a deletion with the Delete key
   * (the caret stays where it was, rather than at the deletion's start). */
  edit(from: number, to: number, text: string, forward: boolean): void {
    const o = this.#o;
    const doc = o.handle.doc() as A.Doc<unknown>;
    const current = textAt(doc, o.path);
    const slice = (s: number, e: number) => current.slice(s, e);
    const who = o.who();
    const suggesting = o.suggesting();
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
    } else {
      this.#undo.push({ steps: plan.undo, cursors, suggesting });
    }
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
    return true;
  }
}
