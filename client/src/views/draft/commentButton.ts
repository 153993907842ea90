// The floating "Comment" button by any selection in the text (whatever tab the side panel
// shows): it opens the comments tab with the selected words, ready to be commented on.
import { mayComment } from "../../logic/permissions";
import { t } from "../../state/lang";
import { h } from "../../widgets/dom";
import type { DraftContext } from "./context";
import type { TextSelection } from "./text";

export interface CommentButton {
  el: HTMLElement;
  /** The selection changed (null: nothing selected). */
  select(selection: TextSelection | null): void;
  destroy(): void;
}

/** `onComment`: the button was pressed on the words now selected. */
export function mountCommentButton(ctx: DraftContext, onComment: () => void): CommentButton {
  const el: HTMLButtonElement = h("button", { type: "button", class: "comment-float primary", hidden: true, "data-testid": "comment-float", "aria-label": t("commentSelected"), title: `${t("commentSelected")} (Ctrl+Alt+M)`, "aria-keyshortcuts": "Control+Alt+M",
    // The editor keeps its selection (and the focus) until the button acts.
    onmousedown: (e: Event) => e.preventDefault(),
    onclick: () => {
      el.hidden = true;
      onComment();
    } }, `💬 ${t("comment")}`);
  const hide = () => (el.hidden = true);
  /** Words are selected that may be commented on (the button may have scrolled away). */
  let armed = false;

  function select(s: TextSelection | null): void {
    const range = s && window.getSelection()?.rangeCount ? window.getSelection()?.getRangeAt(0) : null;
    armed = s !== null && mayComment(ctx.me) && ctx.unlocked();
    if (!s || !range || !armed) {
      hide();
      return;
    }
    const r = range.getBoundingClientRect();
    el.hidden = false;
    // Below the selection's end, kept inside the window.
    const width = el.offsetWidth || 110;
    el.style.left = `${Math.max(4, Math.min(window.innerWidth - width - 4, r.right - width / 2))}px`;
    el.style.top = `${Math.min(window.innerHeight - 40, r.bottom + 6)}px`;
  }

  // From the keyboard, without leaving the text: Ctrl+Alt+M, as in word processors.
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.altKey && e.key.toLowerCase() === "m" && armed) {
      e.preventDefault();
      hide();
      onComment();
    }
  };
  // A fixed button would drift from the words once the page scrolls.
  window.addEventListener("scroll", hide, { passive: true });
  document.addEventListener("keydown", onKey);
  return {
    el, select,
    destroy: () => {
      window.removeEventListener("scroll", hide);
      document.removeEventListener("keydown", onKey);
    },
  };
}
