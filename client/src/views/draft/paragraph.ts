// One paragraph of the text: its head (label, status, lead countries, the proposals about
// the whole paragraph, its menu), one editor per language shown (widgets/editor/) and its
// alternatives; and the read-only copy a pending move shows where it would put a
// paragraph. A paragraph proposed as new, proposed for deletion or for a move is drawn in
// its proposer's colour: a coloured edge and "OP 5 bis · Peru"; struck through with its
// number kept; a note "Argentina proposes moving this after PP 5".
import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import type { SchemaAdapter } from "@automerge/prosemirror";
import { inSentence } from "../../logic/activityText";
import type { OutlineParagraph } from "../../logic/draftDoc";
import type { Lang } from "../../logic/model";
import { type ParagraphProposal, paragraphProposalsOf } from "../../logic/paragraphProposals";
import { type ParagraphRights, decides, frozenFor, mayEditDirectly, mayPropose } from "../../logic/permissions";
import type { Editor } from "../../logic/suggest";
import { colourOf, countryName } from "../../state/countries";
import { t } from "../../state/lang";
import { mountAlternatives } from "../../widgets/alternatives";
import { h } from "../../widgets/dom";
import { type Binding, bind } from "../../widgets/editor/bind";
import type { DraftContext } from "./context";

/** Where a proposal clicked is (viewport coordinates: its left, its bottom and its top), for its popover. */
export interface At {
  x: number;
  y: number;
  top: number;
}

/** What a paragraph's parts tell the text around them. */
export interface ParagraphHooks {
  adapter: SchemaAdapter;
  who: () => Editor;
  onProposalClick: (id: string, at: At) => void;
  onSelect: (pid: string, lang: Lang, from: number, to: number) => void;
  /** A click on commented words. */
  onThreadClick: (id: string) => void;
  onEnter: (pid: string, lang: Lang, atEnd: boolean) => void;
  onParagraphs: (pid: string, lang: Lang, paragraphs: string[]) => void;
  /** The paragraph's menu button. */
  menu: (pid: string, label: string) => HTMLElement | null;
}

/** A country as the subject of a note: "The United States", "Peru". */
function subject(country: string, l: Lang): string {
  const name = inSentence(countryName(country, l), l);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The note on a paragraph for one proposal about it (a button: it opens the proposal). */
function note(ctx: DraftContext, p: ParagraphProposal, hooks: ParagraphHooks, after: (id: string) => string | null): HTMLElement {
  const { l } = ctx;
  const who = subject(p.country, l);
  const target = p.kind === "move" ? after(p.id) : null;
  const text = p.kind === "insert" ? t("pn_new", { who: ctx.actorOf(p.user, p.country) })
    : p.kind === "delete" ? t("pn_delete", { who })
      : target ? t("pn_move", { who, after: target }) : t("pn_moveStart", { who });
  const el: HTMLButtonElement = h("button", { type: "button", class: `pp-note pp-${p.kind}`, style: `--c:${colourOf(p.country)}`, "data-proposal": p.id, "data-country": p.country, "data-testid": `note-${p.kind}`,
    onclick: () => {
      const r = el.getBoundingClientRect();
      hooks.onProposalClick(p.id, { x: r.left, y: r.bottom, top: r.top });
    } }, text);
  return el;
}

/** The head's contents and what they were drawn from (drawn again only when that changes). */
export function paragraphHead(ctx: DraftContext, pid: string, p: OutlineParagraph, label: string, hooks: ParagraphHooks, after: (id: string) => string | null): { sig: string; build: () => HTMLElement[] } {
  const { me, l } = ctx;
  const rights = ctx.rights(pid);
  const insert = p.proposals.find((x) => x.kind === "insert");
  const sig = JSON.stringify([label, p.status, rights.editors, p.proposals, p.proposals.map((x) => after(x.id)), ctx.unlocked()]);
  const build = () => [
    h("span", { class: "num", "data-testid": "label" }, label),
    insert ? h("span", { class: "pp-by", style: `--c:${colourOf(insert.country)}`, "data-testid": "proposer" }, `· ${countryName(insert.country, l)}`) : null,
    h("span", { class: `status st-${p.status}`, "data-testid": "status" }, t(`status_${p.status}`)),
    frozenFor(me, rights) ? h("span", { class: "muted small" }, t("frozen")) : null,
    ...rights.editors.map((c) => h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: t("leadEdits", { country: countryName(c, l) }), "data-testid": "para-editor" }, c)),
    ...p.proposals.map((x) => note(ctx, x, hooks, after)),
    h("span", { class: "spacer" }),
    hooks.menu(pid, label),
  ].filter((x): x is HTMLElement => x !== null);
  return { sig, build };
}

/** The classes and colour that show the proposals about a paragraph at a glance. */
export function paragraphLook(el: HTMLElement, p: OutlineParagraph): void {
  const first = (kind: ParagraphProposal["kind"]) => p.proposals.find((x) => x.kind === kind);
  const shown = first("insert") ?? first("delete") ?? first("move");
  el.classList.toggle("p-new", first("insert") !== undefined);
  el.classList.toggle("p-del", first("delete") !== undefined);
  el.classList.toggle("p-moving", first("move") !== undefined);
  if (shown) el.style.setProperty("--pc", colourOf(shown.country));
  else el.style.removeProperty("--pc");
}

/** Whether typing in a paragraph proposes (tracked) rather than edits the text directly.
 * The proposer's delegation writes its own new paragraph directly (as its own pending
 * insertion); a paragraph's own editors (a Concept Note session's lead countries) too; a
 * chair or the secretariat as the mode toggle says. */
export function suggests(ctx: DraftContext, pid: string): boolean {
  const { me, state } = ctx;
  const ownNew = paragraphProposalsOf(ctx.handle.doc(), pid).some((x) => x.kind === "insert" && x.country === me.country);
  return !ownNew && (decides(me) ? state.suggesting : !mayEditDirectly(me, ctx.rights(pid)));
}

/** One editor per language shown, and the alternatives; returns what to destroy. */
export function paragraphTexts(ctx: DraftContext, row: HTMLElement, pid: string, label: string, hooks: ParagraphHooks, attach: (lang: Lang, b: Binding, col: HTMLElement) => void): () => void {
  const { handle, me, state } = ctx;
  const rights = () => ctx.rights(pid);
  const cols = h("div", { class: "cols" });
  const bindings: Binding[] = [];
  for (const lg of state.showLangs) {
    const el = h("div", { class: `text lang-${lg}`, "data-lang": lg, "data-testid": `text-${lg}` });
    const col = h("div", { class: "col" }, h("div", { class: "lang-tag" }, lg.toUpperCase()), el);
    cols.append(col);
    const binding = bind(el, {
      handle: handle as unknown as DocHandle<unknown>,
      path: ["paragraphs", pid, "text", lg],
      adapter: hooks.adapter,
      who: hooks.who,
      suggesting: () => suggests(ctx, pid),
      editable: () => handle.doc().paragraphs?.[pid] !== undefined && ctx.unlocked() && mayPropose(me, rights()),
      onProposalClick: hooks.onProposalClick,
      onSelect: (from, to) => hooks.onSelect(pid, lg, from, to),
      highlights: () => ctx.highlights(pid, lg),
      onThreadClick: hooks.onThreadClick,
      label,
      lang: lg,
      onEnter: (atEnd) => hooks.onEnter(pid, lg, atEnd),
      onParagraphs: (paragraphs) => hooks.onParagraphs(pid, lg, paragraphs),
      proposalId: () => {
        const c = state.counterpart;
        return c && c.paragraph === pid && c.lang === lg ? c.id : null;
      },
    });
    bindings.push(binding);
    attach(lg, binding, col);
  }
  row.append(cols);
  const alts = h("div");
  const unmount = mountAlternatives(alts, { handle: handle as unknown as DocHandle<unknown>, pid, me, rights: () => (ctx.outline().paragraphs[pid] ? rights() : { status: "open", editors: [] } as ParagraphRights), unlocked: ctx.unlocked });
  row.append(alts);
  return () => {
    for (const b of bindings) b.destroy();
    unmount();
  };
}

/** The read-only copy of a paragraph where a pending move would put it ("PP 3 · moved here
 * by Argentina"). */
export function movedCopy(ctx: DraftContext, pid: string, move: ParagraphProposal, label: string, kind: string, hooks: ParagraphHooks): HTMLElement {
  const doc = ctx.handle.doc();
  const who = inSentence(countryName(move.country, ctx.l), ctx.l);
  const head = h("div", { class: "para-head" },
    h("button", { type: "button", class: "pp-note pp-moved-here", style: `--c:${colourOf(move.country)}`, "data-proposal": move.id, "data-testid": "note-moved-here", title: t("pn_movedHereHelp"),
      onclick: (e: Event) => {
        const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
        hooks.onProposalClick(move.id, { x: r.left, y: r.bottom, top: r.top });
      } }, t("pn_movedHere", { p: label, who })));
  // The text as it reads, with its emphasis (the proposals in it are shown at its place).
  const copy = (lg: Lang) => A.spans(doc, ["paragraphs", pid, "text", lg]).map((x) => {
    if (x.type !== "text") return null;
    const em = x.marks?.em === true ? h("em", {}, x.value) : x.value;
    return x.marks?.strong === true ? h("strong", {}, em) : em;
  });
  const cols = h("div", { class: "cols" }, ...ctx.state.showLangs.map((lg) =>
    h("div", { class: "col" }, h("div", { class: "lang-tag" }, lg.toUpperCase()), h("div", { class: "copy-text", lang: lg }, ...copy(lg)))));
  return h("section", { class: `para moved-copy kind-${kind}`, style: `--pc:${colourOf(move.country)}`, "data-moved-copy": pid, "data-proposal": move.id, "aria-label": t("pn_movedHere", { p: label, who }) }, head, cols);
}
