// The small popover on a proposal in the text (a click on a tracked change, or on the note
// of a proposal about a whole paragraph): what it proposes and who, and what this person
// may do with it there and then: a chair or the secretariat accepts or rejects it, its
// delegation withdraws it; or see it in the list of proposals.
import type { Proposal } from "../../logic/proposals";
import { proposalTitle } from "../../logic/proposals";
import { colourOf, countryName } from "../../state/countries";
import { formatTime, t } from "../../state/lang";
import { h } from "../../widgets/dom";
import type { DraftContext } from "./context";
import type { At } from "./paragraph";
import { type Action, type Proposals, proposalBody } from "./proposals";

let open: { el: HTMLElement; close: () => void } | null = null;

/** Closes the popover shown, if any. */
export function closePopover(): void {
  open?.close();
}

/** Opens the popover of proposal `p` at `at` (viewport coordinates); `focus`: move the
 * keyboard focus into it (it was opened from the keyboard). */
export function openPopover(ctx: DraftContext, proposals: Proposals, p: Proposal, at: At, focus: boolean): void {
  closePopover();
  const { l } = ctx;
  const can = proposals.may(p);
  const labels = ctx.labels();
  const title = proposalTitle(p, l, (pid) => labels.get(pid) ?? "");
  const run = (action: Action) => () => {
    close();
    void proposals.act(action, { ids: [p.id] });
  };
  const el = h("div", { class: "popover", role: "dialog", "aria-label": title, "data-testid": "proposal-popover", "data-proposal": p.id, style: `--c:${colourOf(p.country)}` },
    h("div", { class: "p-head" }, h("span", { class: "chip", style: `--c:${colourOf(p.country)}` }, p.country), h("strong", {}, countryName(p.country, l))),
    h("div", { class: "p-title" }, title),
    ...proposalBody(ctx, p),
    h("div", { class: "p-meta muted" }, `${t("pr_by", { who: ctx.personOf(p.user, p.country) })} · ${formatTime(p.at)}`),
    h("div", { class: "p-actions" },
      can.decide ? h("button", { type: "button", class: "accept", "data-testid": "popover-accept", onclick: run("accept") }, t("accept")) : null,
      can.decide ? h("button", { type: "button", class: "reject", "data-testid": "popover-reject", onclick: run("reject") }, t("reject")) : null,
      can.withdraw ? h("button", { type: "button", "data-testid": "popover-withdraw", onclick: run("withdraw") }, t("withdraw")) : null,
      h("button", { type: "button", class: "link", "data-testid": "popover-show", onclick: () => { close(); proposals.focus(p.id); } }, t("pr_showInList"))));
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") close();
  };
  const onDown = (e: Event) => {
    if (!el.contains(e.target as Node)) close();
  };
  // The page scrolled away from the proposal (the side panel scrolling to its card does not count).
  const onScroll = (e: Event) => {
    if (e.target === document) close();
  };
  function close(): void {
    el.remove();
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("pointerdown", onDown, true);
    window.removeEventListener("scroll", onScroll, true);
    if (open?.el === el) open = null;
  }
  document.body.append(el);
  const width = el.offsetWidth;
  el.style.left = `${Math.max(8, Math.min(at.x, window.innerWidth - width - 8))}px`;
  // Below the proposal, or above it when there is no room below.
  const below = at.y + 6;
  el.style.top = `${below + el.offsetHeight + 8 <= window.innerHeight ? below : Math.max(8, at.top - el.offsetHeight - 6)}px`;
  // After the click that opened it has finished.
  setTimeout(() => {
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerdown", onDown, true);
    window.addEventListener("scroll", onScroll, true);
  }, 0);
  open = { el, close };
  if (focus) el.querySelector<HTMLElement>("button")?.focus();
}
