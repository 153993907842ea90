// One ProseMirror editor bound to one automerge text (a paragraph in one language).
// @automerge/prosemirror converts between automerge spans and ProseMirror documents
// (schema.ts); every change to the text (remote or local) is brought into the editor by
// follow.ts as the one replacement that makes the editor's document equal the text. Local
// edits never go to ProseMirror directly: each is turned into a replacement and written by
// edits.ts (tracked changes or a plain splice); follow.ts then shows the result.
import type * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import { type SchemaAdapter, pmDocFromSpans } from "@automerge/prosemirror";
import { baseKeymap } from "prosemirror-commands";
import { keymap } from "prosemirror-keymap";
import type { Node as PmNode } from "prosemirror-model";
import { EditorState, TextSelection, type Transaction } from "prosemirror-state";
import { Decoration, DecorationSet, EditorView } from "prosemirror-view";
import { displaySpans } from "../../logic/amText";
import { type Editor, normaliseInput, parseMarkName, splitParagraphs } from "../../logic/suggest";
import { LocalEdits } from "./edits";
import { follower } from "./follow";

export interface Binding {
  view: EditorView;
  /** Puts the focus and the caret at the end of the text. */
  focusEnd(): void;
  /** Names the editor anew (`label`: the paragraph's label) and reads again whether it is editable. */
  refresh(label: string): void;
  /** Draws the comment highlights again (threads opened, resolved, one opened in the panel). */
  repaintHighlights(): void;
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
  /** A click on a proposal in the text, and where (viewport coordinates: left, bottom and top of the line clicked). */
  onProposalClick: (id: string, at: { x: number; y: number; top: number }) => void;
  /** The selection changed (text indexes). */
  onSelect: (from: number, to: number) => void;
  /** The paragraph's label (the editor is named by it and its language). */
  label: string;
  lang: "en" | "es";
  /** Enter was pressed, at the end of the text (`atEnd`, nothing selected) or elsewhere:
   * the text itself takes no line break (each paragraph is one). */
  onEnter?: (atEnd: boolean) => void;
  /** Several paragraphs were pasted: the first went into the text, unless the caret was at
   * its end; these are the others (or all of them), to become paragraphs after this one. */
  onParagraphs?: (paragraphs: string[]) => void;
  /** The id a new proposal takes, when it must join one (the counterpart being written). */
  proposalId?: () => string | null;
  /** The words under comment threads (text indexes), and the colour of the one opened. */
  highlights?: () => Highlight[];
  /** A click on commented words. */
  onThreadClick?: (id: string) => void;
}

export interface Highlight {
  id: string;
  from: number;
  to: number;
  /** The opener's colour when the thread is the one opened, else null. */
  active: string | null;
  /** Read out with the words ("Comment by Peru"). */
  title: string;
}

/** The comment highlights as ProseMirror decorations (text index i is position i + 1). */
function decorations(doc: PmNode, list: Highlight[]): DecorationSet {
  const max = doc.content.size - 1;
  const decos = list.filter((x) => x.from < x.to && x.to <= max).map((x) =>
    Decoration.inline(x.from + 1, x.to + 1, { class: x.active ? "cm-hl on" : "cm-hl", "data-thread": x.id, title: x.title, ...(x.active ? { style: `--c:${x.active}` } : {}) }));
  return DecorationSet.create(doc, decos);
}

// Formatting is not offered. Enter makes no line break inside a paragraph.
const ignored = { "Shift-Enter": () => true, "Mod-b": () => true, "Mod-i": () => true };

/** Whether the selection is a caret at the end of the paragraph's text. */
function caretAtEnd(state: EditorState): boolean {
  return state.selection.empty && state.selection.from === state.doc.content.size - 1;
}

/** The proposal id of a click's marks, if it is on a proposal. */
function proposalAt(v: EditorView, pos: number): string | null {
  const $pos = v.state.doc.resolve(pos);
  for (const m of [...$pos.marks(), ...($pos.nodeAfter?.marks ?? [])]) {
    if (!parseMarkName(m.type.name.replace("_", ":"))) continue;
    try {
      return (JSON.parse(m.attrs.value as string) as { id: string }).id;
    } catch {
      // Not a proposal.
    }
  }
  return null;
}

export function bind(el: HTMLElement, o: BindOptions): Binding {
  // Only the schema and the conversion of spans come from @automerge/prosemirror: its sync
  // plugin is not used (see follow.ts).
  const pmDoc = pmDocFromSpans(o.adapter, displaySpans(o.handle.doc() as A.Doc<unknown>, o.path));
  let lastKey = "";
  let view: EditorView;
  const moveCaret = (index: number) => {
    const pos = Math.max(1, Math.min(index + 1, view.state.doc.content.size - 1));
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, pos)).setMeta("addToHistory", false).setMeta("pluma-caret", true));
  };
  const edits = new LocalEdits(o, moveCaret);

  function dispatchTransaction(tr: Transaction): void {
    if (!tr.docChanged || tr.getMeta("addToHistory") === false) {
      view.updateState(view.state.apply(tr));
      if (tr.selectionSet && view.hasFocus()) o.onSelect(view.state.selection.from - 1, view.state.selection.to - 1);
      return;
    }
    // A local edit: one replacement in the paragraph's text.
    if (!o.editable()) return;
    const r = replacement(tr.before, tr.doc, tr);
    if (r) edits.edit(r.from, r.to, r.text, lastKey === "Delete");
    lastKey = "";
  }

  view = new EditorView(el, {
    state: EditorState.create({
      schema: o.adapter.schema,
      doc: pmDoc,
      // Backspace, Delete and selection commands as transactions, never native DOM edits.
      plugins: [keymap({ ...ignored, Enter: (state) => (o.onEnter?.(caretAtEnd(state)), true), "Mod-z": () => edits.undo(), "Mod-y": () => edits.redo(), "Mod-Shift-z": () => edits.redo() }), keymap(baseKeymap)],
    }),
    editable: () => o.editable(),
    decorations: (state) => (o.highlights ? decorations(state.doc, o.highlights()) : null),
    dispatchTransaction,
    attributes: { "aria-label": `${o.label} ${o.lang === "en" ? "English" : "Español"}`, lang: o.lang, spellcheck: "true", class: "pm" },
    handleKeyDown: (v, e) => {
      lastKey = e.key;
      // Backspace and Delete act on the editor's selection. ProseMirror learns of a selection
      // changed with the keyboard (Shift+arrows) from the browser's selectionchange event,
      // which on a busy machine can come after the next keydown: the deletion then took a
      // shorter, stale selection. Read the browser's selection first. Enter too: whether the
      // caret is at the end of the paragraph decides what it does.
      if (e.key === "Backspace" || e.key === "Delete" || e.key === "Enter") {
        const observer = (v as unknown as { domObserver?: { flush?: () => void } }).domObserver;
        observer?.flush?.();
      }
      return false;
    },
    handlePaste: (v, e) => {
      const text = e.clipboardData?.getData("text/plain") ?? "";
      const paragraphs = splitParagraphs(text);
      if (paragraphs.length > 1 && o.onParagraphs) {
        // Pasted at the end, every paragraph is a new one; elsewhere the first joins the text.
        const atEnd = caretAtEnd(v.state);
        if (!atEnd) v.dispatch(v.state.tr.insertText(paragraphs[0]));
        o.onParagraphs(atEnd ? paragraphs : paragraphs.slice(1));
        return true;
      }
      v.dispatch(v.state.tr.insertText(normaliseInput(text)));
      return true;
    },
    handleDrop: () => true,
    handleClick: (v, pos, e) => {
      const id = proposalAt(v, pos);
      if (id !== null) {
        const c = v.coordsAtPos(pos);
        o.onProposalClick(id, { x: c.left, y: c.bottom, top: c.top });
      }
      const thread = (e.target as HTMLElement | null)?.closest?.("[data-thread]")?.getAttribute("data-thread");
      if (thread && v.state.selection.empty) o.onThreadClick?.(thread);
      return false;
    },
  });
  const follow = follower(() => view, o);
  o.handle.on("change", follow as never);
  const attributes = (label: string) => ({ "aria-label": `${label} ${o.lang === "en" ? "English" : "Español"}`, lang: o.lang, spellcheck: "true", class: "pm" });
  return {
    view,
    focusEnd: () => {
      view.focus();
      view.dispatch(view.state.tr.setSelection(TextSelection.atEnd(view.state.doc)).setMeta("addToHistory", false));
    },
    refresh: (label) => view.setProps({ attributes: attributes(label) }),
    repaintHighlights: () => view.updateState(view.state),
    destroy: () => {
      o.handle.off("change", follow as never);
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
