// What a person does to whole paragraphs, from the keyboard (Enter at the end of a
// paragraph, pasting several) or from a paragraph's menu: in suggesting mode, proposals of
// their delegation (a new paragraph after this one, its deletion, its move); a chair or the
// secretariat in editing mode adds, deletes and moves paragraphs directly. Written into the
// document by logic/paragraphProposals.ts inside one `handle.change` each.
import type { Lang } from "../../logic/model";
import { type NewTexts, addParagraphs, moveParagraph, moveRefused, paragraphProposalsOf, proposeDeletion, proposeMove, removeParagraph } from "../../logic/paragraphProposals";
import { decides, mayAddParagraphDirectly, mayProposeNewParagraph, mayProposeParagraphChange, mayRemoveParagraphDirectly, mayReorderDirectly } from "../../logic/permissions";
import { t } from "../../state/lang";
import { confirmDialog, openDialog } from "../../widgets/dialog";
import { h } from "../../widgets/dom";
import type { MenuItem } from "../../widgets/menu";
import type { DraftContext } from "./context";

export interface ParagraphActions {
  /** Whether changes to paragraphs are made directly now (a chair or the secretariat in editing mode). */
  direct(): boolean;
  /** New paragraphs after `anchor`, proposed or added; the caret goes to the last one, in `lang`. */
  newAfter(anchor: string, texts: NewTexts[], lang: Lang): void;
  /** Proposes deleting a paragraph. */
  proposeDeletion(pid: string): void;
  /** Deletes a paragraph directly, once the person confirms. */
  remove(pid: string): Promise<void>;
  /** Opens the dialog that chooses where a paragraph should go (a proposal, or a direct move). */
  chooseMove(pid: string): void;
}

/** `focus`: puts the caret in a paragraph's text, once it is drawn. */
export function paragraphActions(ctx: DraftContext, focus: (pid: string, lang: Lang) => void): ParagraphActions {
  const { handle, me, state } = ctx;
  const direct = () => decides(me) && !state.suggesting && mayAddParagraphDirectly(me);
  const label = (pid: string) => ctx.labelOf(pid);

  function newAfter(anchor: string, texts: NewTexts[], lang: Lang): void {
    const isDirect = direct();
    if (!ctx.unlocked() || texts.length === 0 || (!isDirect && !mayProposeNewParagraph(me))) return;
    let made: Array<{ paragraph: string }> = [];
    handle.change((d) => {
      made = addParagraphs(d, anchor, texts, isDirect ? null : ctx.stamp());
    });
    const last = made[made.length - 1]?.paragraph;
    if (!last) return;
    focus(last, lang);
    ctx.notify(t(isDirect ? "newParagraphAdded" : "newParagraphReady", { p: label(last) }));
  }

  function proposeDeletionOf(pid: string): void {
    if (!ctx.unlocked() || !mayProposeParagraphChange(me, ctx.rights(pid))) return;
    handle.change((d) => void proposeDeletion(d, pid, ctx.stamp()));
  }

  async function remove(pid: string): Promise<void> {
    if (!ctx.unlocked() || !mayRemoveParagraphDirectly(me, ctx.rights(pid))) return;
    const p = label(pid);
    if (await confirmDialog(t("pm_deleteTitle", { p }), t("pm_deleteConfirm", { p }), t("pm_delete"), true)) handle.change((d) => removeParagraph(d, pid));
  }

  function chooseMove(pid: string): void {
    const isDirect = direct();
    const allowed = isDirect ? mayReorderDirectly(me) : mayProposeParagraphChange(me, ctx.rights(pid));
    if (!ctx.unlocked() || !allowed) return;
    const doc = handle.doc();
    const labels = ctx.labels();
    const words = (id: string) => {
      const text = String(doc.paragraphs?.[id]?.text?.[ctx.l] ?? "").trim();
      return text.length > 48 ? `${text.slice(0, 47).trimEnd()}…` : text;
    };
    const places = [null, ...ctx.outline().order].filter((anchor) => moveRefused(doc, pid, anchor) === null);
    const select = h("select", { "data-testid": "move-after", "aria-label": t("mv_after") },
      ...places.map((anchor) => h("option", { value: anchor ?? "" }, anchor === null ? t("mv_start") : `${labels.get(anchor) ?? ""} — ${words(anchor)}`)));
    const p = label(pid);
    openDialog({
      title: t(isDirect ? "mv_titleDirect" : "mv_title", { p }),
      body: [h("label", { class: "dlg-field" }, t("mv_after"), select), isDirect ? null : h("p", { class: "muted small" }, t("mv_help"))],
      confirm: t(isDirect ? "mv_submitDirect" : "mv_submit"),
      testid: "move-dialog",
      onConfirm: () => {
        const anchor = select.value || null;
        if (moveRefused(handle.doc(), pid, anchor) !== null) return false;
        handle.change((d) => (isDirect ? moveParagraph(d, pid, anchor) : void proposeMove(d, pid, anchor, ctx.stamp())));
        return true;
      },
    });
  }

  return { direct, newAfter, proposeDeletion: proposeDeletionOf, remove, chooseMove };
}

/** A paragraph's menu: proposals in suggesting mode; a chair's or the secretariat's direct
 * actions in editing mode; each only where the rules allow it. */
export function menuItems(ctx: DraftContext, actions: ParagraphActions, pid: string): MenuItem[] {
  const { me, state } = ctx;
  if (!ctx.unlocked()) return [];
  const rights = ctx.rights(pid);
  const proposed = paragraphProposalsOf(ctx.handle.doc(), pid).some((p) => p.kind === "insert");
  const lang = state.showLangs[0];
  const empty = [{ en: "", es: "" }];
  const items: Array<MenuItem | null> = actions.direct()
    ? [
        mayAddParagraphDirectly(me) ? { label: t("pm_addAfter"), testid: "menu-add", run: () => actions.newAfter(pid, empty, lang) } : null,
        mayRemoveParagraphDirectly(me, rights) ? { label: t("pm_delete"), testid: "menu-delete", run: () => void actions.remove(pid) } : null,
        mayReorderDirectly(me) ? { label: t("pm_move"), testid: "menu-move", run: () => actions.chooseMove(pid) } : null,
      ]
    : [
        mayProposeNewParagraph(me) ? { label: t("pm_proposeNew"), testid: "menu-propose-new", run: () => actions.newAfter(pid, empty, lang) } : null,
        // A proposed new paragraph is withdrawn or amended, not proposed for deletion or a move.
        mayProposeParagraphChange(me, rights) && !proposed ? { label: t("pm_proposeDelete"), testid: "menu-propose-delete", run: () => actions.proposeDeletion(pid) } : null,
        mayProposeParagraphChange(me, rights) && !proposed ? { label: t("pm_proposeMove"), testid: "menu-propose-move", run: () => actions.chooseMove(pid) } : null,
      ];
  return items.filter((x): x is MenuItem => x !== null);
}
