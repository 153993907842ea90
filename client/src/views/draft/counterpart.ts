// Adding the counterpart of a proposal made in one language: its proposer asks for it on
// the proposal's card, the caret goes to the other language's text of that paragraph, and
// their edits there take the proposal's id (widgets/editor/ asks `state.counterpart`), so
// that the pair is decided together. A bar says so until they are done, or edit elsewhere.
import type { Lang } from "../../logic/model";
import { type Proposal, otherLang } from "../../logic/proposals";
import { t } from "../../state/lang";
import { clear, h } from "../../widgets/dom";
import type { DraftContext } from "./context";

export interface CounterpartBar {
  el: HTMLElement;
  /** Starts writing `p`'s counterpart. */
  start(p: Proposal): void;
  stop(): void;
  /** The caret is in a paragraph's text: writing elsewhere ends the counterpart. */
  follow(pid: string, lang: Lang): void;
}

/** `show`: shows a language's text if it is hidden, and puts the caret at the end of a paragraph's text. */
export function mountCounterpart(ctx: DraftContext, show: (pid: string, lang: Lang) => void): CounterpartBar {
  const { state } = ctx;
  const el = h("div", { class: "counterpart-bar", role: "status", hidden: true, "data-testid": "counterpart-bar" });

  function stop(): void {
    state.counterpart = null;
    el.hidden = true;
    clear(el);
  }

  function start(p: Proposal): void {
    const lang = otherLang(p.languages[0]);
    state.counterpart = { id: p.id, paragraph: p.paragraph, lang };
    clear(el);
    el.append(
      h("span", {}, t("pr_counterpartOn", { lang: t(`lang_${lang}`), p: ctx.labelOf(p.paragraph) })),
      h("button", { type: "button", "data-testid": "counterpart-done", onclick: stop }, t("pr_counterpartDone")),
    );
    el.hidden = false;
    show(p.paragraph, lang);
  }

  function follow(pid: string, lang: Lang): void {
    const c = state.counterpart;
    if (c && (c.paragraph !== pid || c.lang !== lang)) stop();
  }

  return { el, start, stop, follow };
}
