// The workflow panel above the text (widgets/workflow/), told what the draft view knows:
// paragraph labels and first words in the reader's language, the proposals about whole
// paragraphs; it tells the view the
// workflow's lock after every read.
import { mountWorkflowPanel } from "../../widgets/workflow/panel";
import type { DraftContext } from "./context";

/** Mounts the panel in `el`; `onLock` hears the lock (adopted, under silence) or null. Returns its stop. */
export function mountWorkflow(ctx: DraftContext, el: HTMLElement, onLock: (locked: string | null) => void): () => void {
  const { handle, l } = ctx;
  return mountWorkflowPanel(el, {
    draftId: ctx.draftId,
    me: ctx.me,
    meetings: ctx.meetings,
    notify: ctx.notify,
    onLock,
    paragraphLabel: (pid) => ctx.labelOf(pid),
    paragraphProposals: () => {
      const all = Object.values(ctx.outline().paragraphs).flatMap((p) => p.proposals);
      const n = (kind: string) => all.filter((p) => p.kind === kind).length;
      return { new: n("insert"), deleted: n("delete"), moved: n("move") };
    },
    firstWords: (pid) => {
      const text = String(handle.doc().paragraphs?.[pid]?.text?.[l] ?? "").trim();
      const cut = text.split(/\s+/).slice(0, 8).join(" ");
      return cut.length < text.length ? `${cut}…` : cut;
    },
  });
}
