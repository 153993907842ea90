// Every change to a paragraph's text, remote or local, reaches its editor here: the
// paragraph is read from the document, and the part of it that differs from the editor's
// is replaced in one transaction, so the selection maps through it. @automerge/prosemirror's
// sync plugin is not used: for every change it heard it read the whole document at the
// previous heads (a full materialization), which cost tens of milliseconds per keystroke in
// a 200-paragraph draft; local edits never went through it anyway (see edits.ts).
import type * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import { type SchemaAdapter, pmDocFromSpans } from "@automerge/prosemirror";
import type { Node as PmNode } from "prosemirror-model";
import type { EditorView } from "prosemirror-view";
import { displaySpans } from "../../logic/amText";

/** Whether one path is a prefix of (or equal to) the other. */
function related(a: A.Prop[], b: A.Prop[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The handle's change listener that brings the text at `path` into `view`. */
export function follower(view: () => EditorView, o: { handle: DocHandle<unknown>; path: A.Prop[]; adapter: SchemaAdapter }): (e: { patches: A.Patch[] }) => void {
  return ({ patches }) => {
    if (!patches.some((p) => related(p.path, o.path))) return;
    let truth: PmNode;
    try {
      truth = pmDocFromSpans(o.adapter, displaySpans(o.handle.doc() as A.Doc<unknown>, o.path));
    } catch {
      // The paragraph is gone: the draft view redraws the paragraphs.
      return;
    }
    const v = view();
    const now = v.state.doc;
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
    v.dispatch(v.state.tr.replace(start, endNow, truth.slice(start, endTruth)).setMeta("addToHistory", false));
  };
}
