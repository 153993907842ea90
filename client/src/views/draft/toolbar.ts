// The toolbar's controls: the editing mode (chairs and the secretariat choose between
// proposing and editing directly; others see what their typing does, or that the text is
// read-only or locked) and the languages shown.
import type { Lang } from "../../logic/model";
import { decides, drafts } from "../../logic/permissions";
import { t } from "../../state/lang";
import { clear, h } from "../../widgets/dom";
import { type DraftContext, narrow } from "./context";
import { suggests } from "./paragraph";

export interface Toolbar {
  modeEl: HTMLElement;
  viewEl: HTMLElement;
  paint(): void;
  /** The caret is in paragraph `pid` now: the mode says what typing there does. */
  at(pid: string): void;
}

/** `onLangs`: the languages shown changed (the text is drawn again). */
export function mountToolbar(ctx: DraftContext, onLangs: () => void): Toolbar {
  const { me, state } = ctx;
  const modeEl = h("div", { class: "mode" });
  let here: string | null = null;
  const viewEl = h("div", { class: "view-langs", role: "group", "aria-label": t("languagesShown") });

  function paintMode(): void {
    clear(modeEl);
    const locked = state.locked;
    if (!drafts(me)) modeEl.append(h("span", { class: "badge" }, t("readOnly")));
    else if (locked) modeEl.append(h("span", { class: "badge", "data-testid": "locked", title: locked }, t("lockedText")));
    else if (locked === undefined) {
      // Nothing to offer until the lock is known.
    } else if (decides(me)) {
      const choose = (suggesting: boolean) => () => {
        state.suggesting = suggesting;
        paint();
      };
      modeEl.append(
        h("span", { class: "muted" }, t("mode"), ": "),
        h("button", { type: "button", class: state.suggesting ? "on" : "", "data-testid": "mode-suggesting", title: t("modeHelp"), onclick: choose(true) }, t("suggesting")),
        h("button", { type: "button", class: state.suggesting ? "" : "on", "data-testid": "mode-editing", title: t("modeHelp"), onclick: choose(false) }, t("editing")),
      );
    } else if (here !== null && !suggests(ctx, here)) {
      // A lead country in its own session's question, a delegation in its own new paragraph.
      modeEl.append(h("span", { class: "badge direct", "data-testid": "mode-badge", "data-mode": "editing", title: t("modeDirectHelp") }, t("editing")));
    } else modeEl.append(h("span", { class: "badge", "data-testid": "mode-badge", "data-mode": "suggesting", title: t("modeHelp") }, t("suggesting")));
  }

  function paint(): void {
    paintMode();
    clear(viewEl);
    const opt = (label: string, langs: Lang[]) =>
      h("button", { type: "button", class: state.showLangs.join() === langs.join() ? "on" : "", onclick: () => {
        state.showLangs = langs;
        onLangs();
        paint();
      } }, label);
    // On a phone the two languages do not fit side by side: one at a time.
    viewEl.append(...(narrow() ? [] : [opt(t("both"), ["en", "es"])]), opt("English", ["en"]), opt("Español", ["es"]));
  }

  return {
    modeEl, viewEl, paint,
    at: (pid) => {
      if (pid === here) return;
      here = pid;
      paintMode();
    },
  };
}
