// One ProseMirror editor bound to one automerge text (a paragraph in one language).
// @automerge/prosemirror converts between automerge spans and ProseMirror documents; every
// change to the text (remote or local) is brought into the editor by `sync` as the one
// replacement that makes the editor's document equal the text. Local edits never go to
// ProseMirror directly: each is turned into a replacement, planned by suggest.ts (tracked
// changes) or as a plain splice (editing mode), and written with automerge's own
// splice/mark inside `handle.change`; `sync` then shows the result.
import type { DocHandle } from "@automerge/automerge-repo";
import { SchemaAdapter, pmDocFromSpans } from "@automerge/prosemirror";
import * as A from "@automerge/automerge";
import { baseKeymap } from "prosemirror-commands";
import { keymap } from "prosemirror-keymap";
import type { Mark, Node as PmNode } from "prosemirror-model";
import { EditorState, TextSelection, type Transaction } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { applyOps, charMarks, cursorAt, displaySpans, indexOf, textAt } from "../../logic/amText";
import { type Editor, type UndoStep, normaliseInput, parseMarkName, planDirect, planSuggestion, planUndo, randomSuggestionId } from "../../logic/suggest";
import { colourOf } from "../../state/countries";

export function buildAdapter(countries: string[]): SchemaAdapter {
  const marks: Record<string, object> = {
    strong: { toDOM: () => ["strong", 0], automerge: { markName: "strong" } },
    em: { toDOM: () => ["em", 0], automerge: { markName: "em" } },
  };
  for (const c of countries) {
    for (const kind of ["ins", "del"] as const) {
      marks[`${kind}_${c}`] = {
        attrs: { value: { default: "" } },
        inclusive: false,
        excludes: "",
        toDOM: (m: Mark) => {
          let id = "";
          try {
            id = (JSON.parse(m.attrs.value as string) as { id: string }).id;
          } catch {
            // Leave the id out of a value that is not ours.
          }
          return [kind, { class: `sg sg-${kind}`, "data-country": c, "data-sid": id, style: `--c:${colourOf(c)}` }, 0];
        },
        automerge: {
          markName: `${kind}:${c}`,
          parsers: { fromAutomerge: (v: unknown) => ({ value: String(v) }), fromProsemirror: (m: Mark) => m.attrs.value as string },
        },
      };
    }
  }
  return new SchemaAdapter({
    nodes: {
      doc: { content: "block+" },
      paragraph: { automerge: { block: "paragraph" }, content: "text*", group: "block", toDOM: () => ["p", 0] },
      unknownBlock: { automerge: { unknownBlock: true }, group: "block", content: "block+", toDOM: () => ["div", 0] },
      text: {},
    },
    marks,
  } as never);
}

/** Keystrokes closer together than this are one undo step. */
const TYPING_RUN_MS = 1000;

export interface Binding {
  view: EditorView;
  destroy(): void;
}

export interface BindOptions {
  handle: DocHandle<unknown>;
  path: A.Prop[];
  adapter: SchemaAdapter;
  who: () => Editor;
  /** Whether edits are tracked (suggesting) or direct (editing). */
  suggesting: () => boolean;
  editable: () => boolean;
  /** A click on a proposal in the text. */
  onProposalClick: (id: string) => void;
  /** The selection changed (text indexes). */
  onSelect: (from: number, to: number) => void;
  label: string;
  lang: "en" | "es";
}

interface UndoEntry {
  steps: UndoStep[];
  // Positions as automerge cursors, so concurrent edits by others do not shift them.
  cursors: Array<A.Cursor | null>;
  suggesting: boolean;
}

/** Whether one path is a prefix of (or equal to) the other. */
function related(a: A.Prop[], b: A.Prop[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function bind(el: HTMLElement, o: BindOptions): Binding {
  // Only the schema and the conversion of spans come from @automerge/prosemirror: its sync
  // plugin is not used (see `sync` below).
  const schema = o.adapter.schema;
  const pmDoc = pmDocFromSpans(o.adapter, displaySpans(o.handle.doc() as A.Doc<unknown>, o.path));
  const undo: UndoEntry[] = [];
  let lastTyping = false;
  let lastEditAt = 0;
  let forward = false;
  let view: EditorView;

  function edit(from: number, to: number, text: string): void {
    const doc = o.handle.doc() as A.Doc<unknown>;
    const current = textAt(doc, o.path);
    const slice = (s: number, e: number) => current.slice(s, e);
    const who = o.who();
    const suggesting = o.suggesting();
    const plan = suggesting
      ? planSuggestion(charMarks(doc, o.path, current.length), slice, { from, to, text }, who, Date.now(), randomSuggestionId)
      : planDirect(slice, current.length, { from, to, text });
    if (plan.ops.length === 0) {
      moveCaret(forward ? to : from);
      return;
    }
    o.handle.change((d) => applyOps(d as A.Doc<unknown>, o.path, plan.ops));
    const after = o.handle.doc() as A.Doc<unknown>;
    const len = textAt(after, o.path).length;
    const cursors = plan.undo.map((s) => ("at" in s && s.at < len ? cursorAt(after, o.path, s.at) : null));
    // A run of typing is undone as one, as in a word processor.
    const typing = from === to && text.length > 0;
    const last = undo[undo.length - 1];
    if (typing && lastTyping && last && last.suggesting === suggesting && Date.now() - lastEditAt < TYPING_RUN_MS) {
      last.steps.push(...plan.undo);
      last.cursors.push(...cursors);
    } else {
      undo.push({ steps: plan.undo, cursors, suggesting });
    }
    lastTyping = typing;
    lastEditAt = Date.now();
    if (undo.length > 200) undo.shift();
    moveCaret(text.length === 0 && forward ? plan.caret + plan.kept : plan.caret);
  }

  function runUndo(): boolean {
    lastTyping = false;
    const entry = undo.pop();
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

  function moveCaret(index: number): void {
    const pos = Math.max(1, Math.min(index + 1, view.state.doc.content.size - 1));
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)).setMeta("addToHistory", false).setMeta("pluma-caret", true));
  }

  function dispatchTransaction(tr: Transaction): void {
    if (!tr.docChanged || tr.getMeta("addToHistory") === false) {
      view.updateState(view.state.apply(tr));
      if (tr.selectionSet && view.hasFocus()) o.onSelect(view.state.selection.from - 1, view.state.selection.to - 1);
      return;
    }
    // A local edit: one replacement in the paragraph's text.
    if (!o.editable()) return;
    const r = replacement(tr.before, tr.doc, tr);
    forward = lastKey === "Delete";
    if (r) edit(r.from, r.to, r.text);
    lastKey = "";
  }

  let lastKey = "";
  view = new EditorView(el, {
    state: EditorState.create({
      schema,
      doc: pmDoc,
      plugins: [
        keymap({
          Enter: () => true,
          "Shift-Enter": () => true,
          "Mod-z": () => runUndo(),
          "Mod-b": () => true,
          "Mod-i": () => true,
          // Redo is not offered: an undone proposal is gone, as in a word processor's track changes.
          "Mod-y": () => true,
          "Mod-Shift-z": () => true,
        }),
        // Backspace, Delete and selection commands as transactions, never native DOM edits.
        keymap(baseKeymap),
      ],
    }),
    editable: () => o.editable(),
    dispatchTransaction,
    attributes: { "aria-label": o.label, lang: o.lang, spellcheck: "true", class: "pm" },
    handleKeyDown: (v, e) => {
      lastKey = e.key;
      // Backspace and Delete act on the editor's selection. ProseMirror learns of a selection
      // changed with the keyboard (Shift+arrows) from the browser's selectionchange event,
      // which on a busy machine can come after the next keydown: the deletion then took a
      // shorter, stale selection. Read the browser's selection first.
      if (e.key === "Backspace" || e.key === "Delete") {
        const observer = (v as unknown as { domObserver?: { flush?: () => void } }).domObserver;
        observer?.flush?.();
      }
      return false;
    },
    handlePaste: (v, e) => {
      const text = e.clipboardData?.getData("text/plain") ?? "";
      v.dispatch(v.state.tr.insertText(normaliseInput(text)));
      return true;
    },
    handleDrop: () => true,
    handleClick: (v, pos) => {
      const $pos = v.state.doc.resolve(pos);
      const marks = [...$pos.marks(), ...($pos.nodeAfter?.marks ?? [])];
      for (const m of marks) {
        if (!parseMarkName(m.type.name.replace("_", ":"))) continue;
        try {
          o.onProposalClick((JSON.parse(m.attrs.value as string) as { id: string }).id);
          return false;
        } catch {
          // Not a proposal.
        }
      }
      return false;
    },
  });
  // Every change to this text, remote or local, reaches the editor here: the paragraph is
  // read from the document, and the part of it that differs from the editor's is replaced in
  // one transaction, so the selection maps through it. @automerge/prosemirror's sync plugin
  // is not used: for every change it heard it read the whole document at the previous heads
  // (a full materialization), which cost tens of milliseconds per keystroke in a
  // 200-paragraph draft; local edits never went through it anyway (see dispatchTransaction).
  const sync = ({ patches }: { patches: A.Patch[] }) => {
    if (!patches.some((p) => related(p.path, o.path))) return;
    let truth: PmNode;
    try {
      truth = pmDocFromSpans(o.adapter, displaySpans(o.handle.doc() as A.Doc<unknown>, o.path));
    } catch {
      // The paragraph is gone: the draft view redraws the paragraphs.
      return;
    }
    const now = view.state.doc;
    const start = now.content.findDiffStart(truth.content);
    if (start === null) return;
    const end = now.content.findDiffEnd(truth.content);
    if (!end) return;
    let { a: endNow, b: endTruth } = end;
    // With repeated characters the two ends can overlap the start; move them past it.
    const overlap = start - Math.min(endNow, endTruth);
    if (overlap > 0) {
      endNow += overlap;
      endTruth += overlap;
    }
    view.dispatch(view.state.tr.replace(start, endNow, truth.slice(start, endTruth)).setMeta("addToHistory", false));
  };
  o.handle.on("change", sync as never);
  return {
    view,
    destroy: () => {
      o.handle.off("change", sync as never);
      view.destroy();
    },
  };
}

// The one replacement that turns `before` into `after` (single-paragraph texts), located
// at or after the first step's start.
function replacement(before: PmNode, after: PmNode, tr: Transaction): { from: number; to: number; text: string } | null {
  const a = before.textContent;
  const b = after.textContent;
  const first = tr.steps[0] as unknown as { from?: number };
  const hint = typeof first.from === "number" ? Math.max(0, first.from - 1) : 0;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && p < hint && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const from = p;
  const to = a.length - s;
  const text = b.slice(p, b.length - s);
  if (from === to && text === "") return null;
  return { from, to, text };
}

