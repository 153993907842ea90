// The side panel beside the text: tabs for the proposals, the comments, the versions
// (widgets/versions/) and the live activity feed (widgets/activityFeed.ts), which counts
// what arrived while another tab was shown.
import { alternativesOf } from "../../logic/alternatives";
import { t } from "../../state/lang";
import { mountActivityFeed } from "../../widgets/activityFeed";
import { clear, h } from "../../widgets/dom";
import type { VersionsContext } from "../../widgets/versions/context";
import { versionsPanel } from "../../widgets/versions/panel";
import type { Comments } from "./comments";
import type { DraftContext } from "./context";
import type { Proposals } from "./proposals";

export type Tab = "proposals" | "comments" | "versions" | "activity";

export interface SidePanel {
  el: HTMLElement;
  paint(): void;
  /** The document changed: the list shown follows once changes pause. */
  follow(): void;
  /** Shows a tab (on a narrow screen, in the drawer, opened). */
  show(tab: Tab): void;
  /** The button that opens the panel as a drawer on a narrow screen (hidden on wide ones). */
  drawerButton: HTMLElement;
  destroy(): void;
}

export function mountSidePanel(ctx: DraftContext, versionsCtx: VersionsContext, proposals: Proposals, comments: Comments): SidePanel {
  const { handle } = ctx;
  const el = h("aside", { class: "panel", id: `panel-${ctx.draftId}`, "aria-label": t("sidePanel") });
  const drawerButton: HTMLButtonElement = h("button", { type: "button", class: "drawer-button", "aria-controls": el.id, "aria-expanded": "false", "data-testid": "open-panel", onclick: () => drawer(!el.classList.contains("open")) }, `☰ ${t("panelOpen")}`);
  /** Opens or closes the drawer (on wide screens the panel is always shown beside the text). */
  function drawer(open: boolean): void {
    el.classList.toggle("open", open);
    drawerButton.setAttribute("aria-expanded", String(open));
    if (open) el.querySelector<HTMLElement>(".tabs button.on")?.focus();
    else drawerButton.focus();
  }
  el.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && el.classList.contains("open")) drawer(false);
  });
  let tab: Tab = "proposals";
  let unread = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let due = 0;
  const versions = versionsPanel(versionsCtx);
  const feed = mountActivityFeed({
    draftId: ctx.draftId,
    me: ctx.me,
    meetings: ctx.meetings,
    paragraph: (pid, hashes) => ctx.labelOf(pid, hashes),
    before: (pid, hashes) => ctx.labelBefore(pid, hashes),
    alternative: (pid, id) => {
      const a = alternativesOf(handle.doc(), pid).find((x) => x.id === id);
      return a ? `Alt ${a.number}` : null;
    },
    onUnread: (n) => {
      if (n === unread) return;
      unread = n;
      paintBadge();
    },
  });

  function tabButton(name: Tab, label: string, opened: () => void, ...extra: Array<HTMLElement | null>): HTMLElement {
    return h("button", { type: "button", role: "tab", class: tab === name ? "on" : "", "data-testid": `tab-${name}`, onclick: () => { tab = name; opened(); paint(); } }, label, ...extra);
  }

  /** The count of what arrived while another tab was shown, on the Activity tab (none
   * while the tab is open: the feed is read as it arrives). */
  function paintBadge(): void {
    const button = el.querySelector("[data-testid=tab-activity]");
    button?.querySelector(".unread")?.remove();
    if (button && unread > 0 && tab !== "activity") button.append(h("span", { class: "unread", "data-testid": "activity-unread", title: t("feedUnread", { n: unread }) }, String(unread)));
  }

  function paint(): void {
    clear(el);
    el.append(h("button", { type: "button", class: "drawer-close", "aria-label": t("panelClose"), "data-testid": "close-panel", onclick: () => drawer(false) }, "✕"));
    el.append(h("div", { class: "tabs", role: "tablist" },
      tabButton("proposals", t("proposals"), () => {}),
      tabButton("comments", t("comments"), () => comments.invalidate()),
      tabButton("versions", t("versions"), () => versions.refresh()),
      tabButton("activity", t("activity"), () => {}),
    ));
    paintBadge();
    feed.shown(tab === "activity");
    el.append(tab === "proposals" ? proposals.el : tab === "comments" ? comments.el : tab === "activity" ? feed.el : versions.el);
    if (tab === "proposals") proposals.paint();
    else if (tab === "comments") comments.paint();
  }

  function follow(): void {
    // Once changes pause (at most 1 s late), not on every keystroke: repainting hundreds of
    // cards between two keystrokes delayed the next one.
    const now = Date.now();
    if (timer) clearTimeout(timer);
    else due = now + 1000;
    timer = setTimeout(() => {
      timer = null;
      if (tab === "proposals") proposals.paint();
      else if (tab === "comments") comments.paint();
    }, Math.max(0, Math.min(200, due - now)));
  }

  function show(name: Tab): void {
    if (getComputedStyle(drawerButton).display !== "none") drawer(true);
    if (tab === name) return;
    tab = name;
    if (name === "comments") comments.invalidate();
    paint();
  }

  return { el, paint, follow, show, drawerButton, destroy: () => feed.stop() };
}
