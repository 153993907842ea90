// The proposals tab: every pending proposal, whole (logic/proposals.ts: a replacement and
// its counterpart in the other language are one; so is a new, deleted or moved paragraph),
// in reading order, filtered by delegation and paragraph, each in its country's colour with
// who made it and when; chairs and the secretariat accept or reject it (one by one or all
// shown), a delegation withdraws its own and adds the other language's counterpart to a
// proposal made in one. Acting goes through the API (POST …/suggestions/{accept|reject|withdraw}).
import { api } from "../../api/api";
import type { Selection } from "../../api/types";
import { decides, mayDecide, mayPropose, mayWithdraw, withdrawsThroughApi } from "../../logic/permissions";
import { type Proposal, changesOf, otherLang, proposalTitle } from "../../logic/proposals";
import { colourOf, countryName } from "../../state/countries";
import { formatTime, t } from "../../state/lang";
import { confirmDialog } from "../../widgets/dialog";
import { clear, h } from "../../widgets/dom";
import { errorText } from "../../widgets/errors";
import { proposalDiscussion } from "./comments";
import type { DraftContext } from "./context";

export type Action = "accept" | "reject" | "withdraw";

export interface Proposals {
  el: HTMLElement;
  /** Draws the list again if the proposals, the outline or the filters changed (`invalidate` forces it). */
  paint(): void;
  invalidate(): void;
  /** Shows the card of a proposal clicked in the text. */
  focus(id: string): void;
  /** Accepts, rejects or withdraws proposals (the notice says what happened). */
  act(action: Action, selection: Selection): Promise<void>;
  /** What this person may do with a proposal now. */
  may(p: Proposal): { decide: boolean; withdraw: boolean; counterpart: boolean };
}

/** The data-kind of a card (insertions and deletions keep the names their marks have). */
function cardKind(p: Proposal): string {
  if (p.kind !== "text") return p.kind;
  const kinds = new Set(p.parts.map((x) => x.kind));
  return kinds.size === 2 ? "replace" : [...kinds][0];
}

/** What a proposal changes, per language: the text struck and the text added. */
export function proposalBody(ctx: DraftContext, p: Proposal): HTMLElement[] {
  const doc = ctx.handle.doc();
  const words = (lang: "en" | "es") => String(doc.paragraphs?.[p.paragraph]?.text?.[lang] ?? "").trim();
  if (p.kind === "text") {
    return changesOf(p).map((c) => h("div", { class: "p-change", lang: c.lang, "data-lang": c.lang },
      h("span", { class: "lang-tag" }, c.lang.toUpperCase()), " ",
      c.deleted ? h("del", { class: "q-del" }, c.deleted) : null, c.deleted && c.inserted ? " " : null,
      c.inserted ? h("ins", { class: "q-ins" }, c.inserted) : null));
  }
  const shown = p.kind === "new_paragraph" ? p.languages : (["en", "es"] as const).filter((l) => ctx.state.showLangs.includes(l)).slice(0, 1);
  return (shown.length ? shown : (["en"] as const)).map((lang) => {
    const text = words(lang);
    const cut = text.length > 160 ? `${text.slice(0, 159).trimEnd()}…` : text || t("pn_empty");
    return h("div", { class: "p-change", lang, "data-lang": lang }, h("span", { class: "lang-tag" }, lang.toUpperCase()), " ",
      h(p.kind === "delete_paragraph" ? "del" : p.kind === "new_paragraph" ? "ins" : "span", { class: p.kind === "delete_paragraph" ? "q-del" : p.kind === "new_paragraph" ? "q-ins" : "" }, cut));
  });
}

/** The threads and whether each is resolved (opening or resolving one changes the cards' discussions). */
function threadStates(ctx: DraftContext): string[] {
  const threads = (ctx.handle.doc() as unknown as { threads?: Record<string, { resolved: unknown }> }).threads ?? {};
  return Object.entries(threads).map(([k, v]) => `${k}${String(v.resolved)}`);
}

/** `onThread`: a comment thread on a proposal's words is to be shown. */
export function mountProposals(ctx: DraftContext, onCounterpart: (p: Proposal) => void, onThread: (id: string) => void): Proposals {
  const { me, l } = ctx;
  const el = h("div", { class: "box" });
  let filterCountry = "";
  let filterParagraph = "";
  let last = "";

  async function act(action: Action, selection: Selection): Promise<void> {
    try {
      const r = await api.act(ctx.draftId, action, selection);
      const word = action === "accept" ? t("accepted") : action === "reject" ? t("rejected") : t("withdrawn");
      ctx.notify(t("acted", { n: r.proposals?.length ?? r.suggestions.length, action: word }));
    } catch (e) {
      ctx.notify(errorText(e), true);
    }
  }

  function may(p: Proposal): { decide: boolean; withdraw: boolean; counterpart: boolean } {
    const rights = ctx.rights(p.paragraph);
    const open = ctx.unlocked();
    const own = mayWithdraw(me, rights, p.country);
    return {
      decide: open && mayDecide(me, rights),
      withdraw: open && own && withdrawsThroughApi(me),
      counterpart: open && own && p.kind === "text" && p.oneLanguage && mayPropose(me, rights),
    };
  }

  function filters(all: Proposal[], order: string[], labels: Map<string, string>): HTMLElement {
    const countries = [...new Set(all.map((p) => p.country))].sort();
    const countrySel = h("select", { "aria-label": t("allCountries"), "data-testid": "filter-country", onchange: (e: Event) => { filterCountry = (e.target as HTMLSelectElement).value; paint(); } },
      h("option", { value: "" }, t("allCountries")),
      ...countries.map((c) => h("option", { value: c, selected: c === filterCountry }, `${c} — ${countryName(c, l)}`)));
    const paraSel = h("select", { "aria-label": t("allParagraphs"), "data-testid": "filter-paragraph", onchange: (e: Event) => { filterParagraph = (e.target as HTMLSelectElement).value; paint(); } },
      h("option", { value: "" }, t("allParagraphs")),
      ...order.filter((pid) => all.some((p) => p.paragraph === pid)).map((pid) => h("option", { value: pid, selected: pid === filterParagraph }, labels.get(pid) ?? "")));
    return h("div", { class: "filters" }, countrySel, paraSel);
  }

  function card(p: Proposal, labels: Map<string, string>): HTMLElement {
    const can = may(p);
    const label = (pid: string) => labels.get(pid) ?? "";
    const other = otherLang(p.languages[0]);
    return h("li", { class: `proposal k-${cardKind(p)}`, "data-proposal": p.id, "data-country": p.country, "data-kind": cardKind(p), "data-paragraph": p.paragraph, style: `--c:${colourOf(p.country)}` },
      h("div", { class: "p-head" },
        h("span", { class: "chip", style: `--c:${colourOf(p.country)}` }, p.country),
        h("strong", {}, countryName(p.country, l)),
        h("span", { class: "muted p-where" }, `${label(p.paragraph)} · ${t(`pr_kind_${p.kind}`)}`)),
      h("div", { class: "p-title", "data-testid": "proposal-title" }, proposalTitle(p, l, label)),
      ...proposalBody(ctx, p),
      (p.kind === "text" || p.kind === "new_paragraph") && p.oneLanguage ? h("div", { class: "p-flag", "data-testid": "one-language" }, t(`pr_oneLanguage_${p.languages[0]}`)) : null,
      h("div", { class: "p-meta muted", "data-testid": "proposer" }, `${t("pr_by", { who: ctx.personOf(p.user, p.country) })} (${countryName(p.country, l)}) · ${formatTime(p.at)}`),
      h("div", { class: "p-actions" },
        can.decide ? h("button", { type: "button", class: "accept", "data-testid": "accept", onclick: () => void act("accept", { ids: [p.id] }) }, t("accept")) : null,
        can.decide ? h("button", { type: "button", class: "reject", "data-testid": "reject", onclick: () => void act("reject", { ids: [p.id] }) }, t("reject")) : null,
        can.withdraw ? h("button", { type: "button", "data-testid": "withdraw", onclick: () => void act("withdraw", { ids: [p.id] }) }, t("withdraw")) : null,
        can.counterpart ? h("button", { type: "button", class: "link", "data-testid": "add-counterpart", onclick: () => onCounterpart(p) }, t(`pr_addCounterpart_${other}`)) : null,
      ),
      p.kind === "text" ? proposalDiscussion(ctx, p, onThread) : null);
  }

  async function bulk(action: "accept" | "reject", ids: string[]): Promise<void> {
    const word = t(action);
    if (await confirmDialog(word, t("confirmBulk", { action: word, n: ids.length }), word)) await act(action, { ids });
  }

  function paint(): void {
    const doc = ctx.outline();
    const all = ctx.proposals();
    const shown = all.filter((p) => (!filterCountry || p.country === filterCountry) && (!filterParagraph || p.paragraph === filterParagraph));
    const labels = ctx.labels();
    // Most changes (comments, direct edits, other texts) leave the proposals as they were.
    const sig = JSON.stringify([all, doc, [...labels], filterCountry, filterParagraph, ctx.unlocked(), threadStates(ctx)]);
    if (sig === last && el.isConnected) return;
    last = sig;
    clear(el);
    el.append(h("h2", {}, `${t("proposals")} (${shown.length})`), filters(all, doc.order, labels));
    if (decides(me) && ctx.unlocked() && shown.length > 0) {
      const ids = shown.map((p) => p.id);
      el.append(h("div", { class: "bulk" },
        h("button", { type: "button", class: "accept", "data-testid": "bulk-accept", onclick: () => void bulk("accept", ids) }, t("acceptShown")),
        h("button", { type: "button", class: "reject", "data-testid": "bulk-reject", onclick: () => void bulk("reject", ids) }, t("rejectShown")),
      ));
    }
    if (shown.length === 0) el.append(h("p", { class: "muted" }, t("noProposals")));
    el.append(h("ol", { class: "proposals" }, ...shown.map((p) => card(p, labels))));
  }

  function focus(id: string): void {
    const panel = el.parentElement;
    const card = el.isConnected ? el.querySelector<HTMLElement>(`[data-proposal="${CSS.escape(id)}"]`) : null;
    if (!card || !panel) return;
    panel.querySelectorAll(".proposal.focus").forEach((c) => c.classList.remove("focus"));
    card.classList.add("focus");
    card.scrollIntoView({ block: "nearest" });
  }

  return { el, paint, invalidate: () => (last = ""), focus, act, may };
}
