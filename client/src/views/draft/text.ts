// The text: the title and the paragraphs in reading order (paragraph.ts draws each), with
// the copies pending moves show where they would put paragraphs. When the outline changes
// (a paragraph proposed, decided, moved, its status set) the rows are matched by id: new
// rows are made, gone ones destroyed, heads drawn again where they changed, and the
// editors of the others stay as they are, so whoever is typing elsewhere keeps their caret.
// `paint` draws everything again (the lock or the languages shown changed).
import type { Lang } from "../../logic/model";
import type { OutlineParagraph } from "../../logic/draftDoc";
import { type Slot, moveLandsAfter } from "../../logic/paragraphProposals";
import { drafts } from "../../logic/permissions";
import { t } from "../../state/lang";
import type { RemoteCursors } from "../../widgets/cursors";
import { clear, h } from "../../widgets/dom";
import type { Binding } from "../../widgets/editor/bind";
import { menuButton } from "../../widgets/menu";
import type { DraftContext } from "./context";
import { type At, type ParagraphHooks, movedCopy, paragraphHead, paragraphLook, paragraphTexts } from "./paragraph";
import { type ParagraphActions, menuItems, paragraphActions } from "./paragraphActions";

/** Text selected in one paragraph's text (what a new comment is on). */
export interface TextSelection {
  pid: string;
  lang: Lang;
  from: number;
  to: number;
  quote: string;
}

export interface TextOptions extends Pick<ParagraphHooks, "adapter" | "who"> {
  cursors: RemoteCursors;
  /** A click on a proposal in the text. */
  onProposalClick: (id: string, at: At) => void;
  /** The selection changed (null: nothing selected). */
  onSelect: (selection: TextSelection | null) => void;
  /** A click on commented words. */
  onThreadClick: (id: string) => void;
  /** The caret moved into a paragraph's text. */
  onFocus?: (pid: string, lang: Lang) => void;
}

export interface Text {
  titleEl: HTMLElement;
  body: HTMLElement;
  actions: ParagraphActions;
  /** Draws everything again. */
  paint(): void;
  /** Follows a change of the outline, keeping the rows that stay. */
  update(): void;
  /** Draws the comment highlights again. */
  repaintHighlights(): void;
  /** Brings a paragraph's text into view, below the toolbar. */
  reveal(pid: string): void;
  /** Puts the caret at the end of a paragraph's text in `lang` (once it is drawn). */
  focus(pid: string, lang: Lang): void;
  destroy(): void;
}

interface Row {
  el: HTMLElement;
  head: HTMLElement | null;
  headSig: string;
  label: string;
  /** What the row was built from: another value builds it again. */
  sig: string;
  views: Map<Lang, Binding>;
  destroy: () => void;
}

/** Puts `rows` in `body` in this order, moving only those out of place (a moved element
 * loses the focus). */
function inOrder(body: HTMLElement, rows: HTMLElement[]): void {
  let at = body.firstElementChild;
  for (const el of rows) {
    if (el === at) at = at.nextElementSibling;
    else body.insertBefore(el, at);
  }
}

/** A paragraph's row: its head, its editors, its alternatives. */
function paragraphRow(ctx: DraftContext, hooks: ParagraphHooks, cursors: RemoteCursors, pid: string, kind: string, label: string): Row {
  const el = h("section", { class: `para kind-${kind}`, "data-paragraph": pid });
  const head = h("div", { class: "para-head" });
  el.append(head);
  const views = new Map<Lang, Binding>();
  const destroyTexts = paragraphTexts(ctx, el, pid, label, hooks, (lg, b, col) => {
    views.set(lg, b);
    cursors.attach(pid, lg, b.view, col);
  });
  return { el, head, headSig: "", label, sig: kind, views, destroy: () => {
    destroyTexts();
    for (const lg of views.keys()) cursors.detach(pid, lg);
  } };
}

/** The row of a slot: the one it had, brought up to date, or a new one. */
function rowFor(ctx: DraftContext, hooks: ParagraphHooks, cursors: RemoteCursors, had: Row | undefined, slot: Slot, p: OutlineParagraph, label: string, after: (id: string) => string | null): Row {
  let row = had;
  if (slot.move) {
    const text = ctx.handle.doc().paragraphs[slot.paragraph]?.text;
    const sig = JSON.stringify([label, p.kind, ctx.state.showLangs, String(text?.en), String(text?.es)]);
    if (row && row.sig === sig) return row;
    row?.el.remove();
    return { el: movedCopy(ctx, slot.paragraph, slot.move, label, p.kind, hooks), head: null, headSig: "", label, sig, views: new Map(), destroy: () => {} };
  }
  if (row && row.sig !== p.kind) {
    row.destroy();
    row.el.remove();
    row = undefined;
  }
  row ??= paragraphRow(ctx, hooks, cursors, slot.paragraph, p.kind, label);
  const head = paragraphHead(ctx, slot.paragraph, p, label, hooks, after);
  if (head.sig !== row.headSig && row.head) {
    clear(row.head);
    row.head.append(...head.build());
    row.headSig = head.sig;
    // Its label, status or lock changed: the editors' names and whether they are editable follow.
    row.label = label;
    for (const b of row.views.values()) b.refresh(label);
  }
  paragraphLook(row.el, p);
  return row;
}

export function mountText(ctx: DraftContext, o: TextOptions): Text {
  const { handle, l, state } = ctx;
  const titleEl = h("h1", { class: "draft-title" });
  const body = h("div", { class: "paragraphs" });
  const rows = new Map<string, Row>();
  let wanted: { pid: string; lang: Lang } | null = null;
  const actions = paragraphActions(ctx, (pid, lang) => focus(pid, lang));

  const hooks: ParagraphHooks = {
    adapter: o.adapter,
    who: o.who,
    onProposalClick: o.onProposalClick,
    onThreadClick: o.onThreadClick,
    onSelect: (pid, lg, from, to) => {
      o.cursors.announce(pid, lg, to);
      o.onFocus?.(pid, lg);
      o.onSelect(to > from ? { pid, lang: lg, from, to, quote: String(handle.doc().paragraphs[pid]?.text[lg] ?? "").slice(from, to) } : null);
    },
    onEnter: (pid, lg, atEnd) => (atEnd ? actions.newAfter(pid, [{ en: "", es: "" }], lg) : ctx.notify(t("enterHint"))),
    onParagraphs: (pid, lg, paragraphs) => actions.newAfter(pid, paragraphs.map((p) => (lg === "en" ? { en: p, es: "" } : { en: "", es: p })), lg),
    // Its items are read when it opens; those who draft nothing have none.
    menu: (pid, label) => (ctx.unlocked() && drafts(ctx.me) ? menuButton("⋯", t("pm_menu", { p: label }), () => menuItems(ctx, actions, pid), "para-menu") : null),
  };

  function destroyAll(): void {
    for (const r of rows.values()) r.destroy();
    rows.clear();
    o.cursors.detachAll();
  }

  function update(): void {
    const doc = ctx.outline();
    const labels = ctx.labels();
    titleEl.textContent = doc.title[l];
    const after = (id: string) => {
      const a = moveLandsAfter(doc.slots, id);
      return a === null ? null : (labels.get(a) ?? "");
    };
    const keep = new Set<string>();
    const order: HTMLElement[] = [];
    for (const slot of doc.slots) {
      const p = doc.paragraphs[slot.paragraph];
      if (!p) continue;
      const label = labels.get(slot.paragraph) ?? "";
      const key = slot.move ? `${slot.paragraph}@${slot.move.id}` : slot.paragraph;
      const row = rowFor(ctx, hooks, o.cursors, rows.get(key), slot, p, label, after);
      rows.set(key, row);
      keep.add(key);
      order.push(row.el);
    }
    for (const [key, row] of rows) {
      if (keep.has(key)) continue;
      row.destroy();
      row.el.remove();
      rows.delete(key);
    }
    inOrder(body, order);
    tryFocus();
  }

  function paint(): void {
    destroyAll();
    clear(body);
    body.classList.toggle("one-lang", state.showLangs.length === 1);
    body.dataset.lock = state.locked === undefined ? "unknown" : state.locked ? "locked" : "open";
    update();
  }

  function tryFocus(): void {
    if (!wanted) return;
    const row = rows.get(wanted.pid);
    const binding = row?.views.get(wanted.lang) ?? row?.views.values().next().value;
    if (!row || !binding) return;
    wanted = null;
    row.el.scrollIntoView({ block: "nearest" });
    binding.focusEnd();
  }

  function focus(pid: string, lang: Lang): void {
    wanted = { pid, lang };
    tryFocus();
  }

  function repaintHighlights(): void {
    for (const r of rows.values()) for (const b of r.views.values()) b.repaintHighlights();
  }

  function reveal(pid: string): void {
    rows.get(pid)?.el.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  return { titleEl, body, actions, paint, update, focus, repaintHighlights, reveal, destroy: destroyAll };
}
