// The proposals tab: every pending proposal in reading order, filtered by delegation and
// paragraph, each in its country's colour with who made it and when; chairs and the
// secretariat accept or reject them (one by one or all shown), a delegation withdraws its
// own. Acting goes through the API (POST …/suggestions/{accept|reject|withdraw}).
import { api } from "../../api/api";
import type { Selection } from "../../api/types";
import { type Proposal, proposalsOf } from "../../logic/draftDoc";
import { decides, mayDecide, mayWithdraw, withdrawsThroughApi } from "../../logic/permissions";
import { colourOf, countryName } from "../../state/countries";
import { formatTime, t } from "../../state/lang";
import { clear, h } from "../../widgets/dom";
import { errorText } from "../../widgets/errors";
import type { DraftContext } from "./context";

export interface Proposals {
  el: HTMLElement;
  /** Draws the list again if the proposals, the outline or the filters changed (`invalidate` forces it). */
  paint(): void;
  invalidate(): void;
  /** Shows the card of a proposal clicked in the text. */
  focus(id: string): void;
}

export function mountProposals(ctx: DraftContext): Proposals {
  const { handle, me, l } = ctx;
  const el = h("div", { class: "box" });
  let filterCountry = "";
  let filterParagraph = "";
  let last = "";

  async function act(action: "accept" | "reject" | "withdraw", selection: Selection): Promise<void> {
    try {
      const r = await api.act(ctx.draftId, action, selection);
      const word = action === "accept" ? t("accepted") : action === "reject" ? t("rejected") : t("withdrawn");
      ctx.notify(t("acted", { n: r.suggestions.length, action: word }));
    } catch (e) {
      ctx.notify(errorText(e), true);
    }
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

  function card(p: Proposal, label: string): HTMLElement {
    const rights = ctx.rights(p.paragraph);
    const decide = mayDecide(me, rights) && ctx.unlocked();
    const withdraw = mayWithdraw(me, rights, p.country) && withdrawsThroughApi(me) && ctx.unlocked();
    return h("li", { class: `proposal ${p.kind}`, "data-proposal": p.id, "data-country": p.country, "data-kind": p.kind, style: `--c:${colourOf(p.country)}` },
      h("div", { class: "p-head" },
        h("span", { class: "chip", style: `--c:${colourOf(p.country)}` }, p.country),
        h("strong", {}, countryName(p.country, l)),
        h("span", { class: "muted" }, ` · ${p.kind === "ins" ? t("insertion") : t("deletion")} · ${label} ${p.lang.toUpperCase()}`)),
      h("blockquote", { class: p.kind === "ins" ? "q-ins" : "q-del", lang: p.lang }, p.text),
      h("div", { class: "p-meta muted" }, `${ctx.personOf(p.user, p.country)} · ${formatTime(p.at)}`),
      h("div", { class: "p-actions" },
        decide ? h("button", { type: "button", class: "accept", "data-testid": "accept", onclick: () => void act("accept", { ids: [p.id] }) }, t("accept")) : null,
        decide ? h("button", { type: "button", class: "reject", "data-testid": "reject", onclick: () => void act("reject", { ids: [p.id] }) }, t("reject")) : null,
        withdraw ? h("button", { type: "button", "data-testid": "withdraw", onclick: () => void act("withdraw", { ids: [p.id] }) }, t("withdraw")) : null,
      ));
  }

  function paint(): void {
    const full = handle.doc();
    const doc = ctx.outline();
    const all = proposalsOf(full);
    const shown = all.filter((p) => (!filterCountry || p.country === filterCountry) && (!filterParagraph || p.paragraph === filterParagraph));
    // Most changes (comments, direct edits, other texts) leave the proposals as they were.
    const sig = JSON.stringify([all, doc, filterCountry, filterParagraph]);
    if (sig === last && el.isConnected) return;
    last = sig;
    clear(el);
    const labels = ctx.labels();
    el.append(h("h2", {}, `${t("proposals")} (${shown.length})`), filters(all, doc.order, labels));
    if (decides(me) && ctx.unlocked() && shown.length > 0) {
      const ids = [...new Set(shown.map((p) => p.id))];
      el.append(h("div", { class: "bulk" },
        h("button", { type: "button", class: "accept", "data-testid": "bulk-accept", onclick: () => { if (confirm(t("confirmBulk", { action: t("accept"), n: ids.length }))) void act("accept", { ids }); } }, t("acceptShown")),
        h("button", { type: "button", class: "reject", "data-testid": "bulk-reject", onclick: () => { if (confirm(t("confirmBulk", { action: t("reject"), n: ids.length }))) void act("reject", { ids }); } }, t("rejectShown")),
      ));
    }
    if (shown.length === 0) el.append(h("p", { class: "muted" }, t("noProposals")));
    el.append(h("ol", { class: "proposals" }, ...shown.map((p) => card(p, labels.get(p.paragraph) ?? ""))));
  }

  function focus(id: string): void {
    const panel = el.parentElement;
    const card = el.isConnected ? el.querySelector<HTMLElement>(`[data-proposal="${CSS.escape(id)}"]`) : null;
    if (!card || !panel) return;
    panel.querySelectorAll(".proposal.focus").forEach((c) => c.classList.remove("focus"));
    card.classList.add("focus");
    card.scrollIntoView({ block: "nearest" });
  }

  return { el, paint, invalidate: () => (last = ""), focus };
}
