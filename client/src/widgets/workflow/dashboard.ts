// The dashboard, folded under the banners: paragraph statuses (a chair sets them, with a
// reason when reopening an agreed paragraph), each paragraph's EN/ES concordance (the
// secretariat or a chair confirms it), and the pending proposals per delegation.
import { api } from "../../api/api";
import type { Dashboard, DashboardLine } from "../../api/types";
import type { Status } from "../../logic/model";
import { mayConfirmConcordance, maySetStatus } from "../../logic/permissions";
import { colourOf, countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { openDialog } from "../dialog";
import { h } from "../dom";
import type { WorkflowContext } from "./context";

const STATUSES: Status[] = ["open", "bracketed", "agreed_ad_ref", "agreed"];

export function dashboard(ctx: WorkflowContext, d: Dashboard): HTMLElement {
  const { kept } = ctx;
  const l = lang();
  const details = h("details", { class: "wf-details", "data-testid": "dashboard", ...(kept.open ? { open: true } : {}) });
  details.addEventListener("toggle", () => {
    kept.open = details.open;
  });
  details.append(h("summary", {}, t("wf_workflow"), " · ",
    ...STATUSES.map((st) => h("span", { class: `status st-${st}`, "data-testid": `count-${st}` }, `${t(`status_${st}`)} ${d.status_counts[st] ?? 0}`))));
  const table = h("table", { class: "wf-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, t("wf_statuses")), h("th", {}, ""), h("th", {}, t("wf_concordance")))));
  table.append(h("tbody", {}, ...d.paragraphs.map((p) => row(ctx, d, p))));
  // Opened over the text, not above it: the text stays where it was.
  const drop = h("div", { class: "wf-drop" }, table);
  details.append(drop);
  const counts = Object.entries(d.proposals_by_country);
  const paragraphs = ctx.paragraphProposals?.();
  const any = paragraphs && paragraphs.new + paragraphs.deleted + paragraphs.moved > 0;
  drop.append(h("div", { class: "wf-proposals" }, h("h3", {}, t("wf_proposalsBy")),
    counts.length === 0 ? h("span", { class: "muted" }, t("wf_none"))
      : counts.map(([c, n]) => h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l), "data-testid": `pending-${c}` }, `${c} ${n}`)),
    any ? h("div", { class: "muted small", "data-testid": "paragraph-proposal-counts" }, t("pr_paragraphCounts", { new: paragraphs.new, deleted: paragraphs.deleted, moved: paragraphs.moved })) : null));
  return details;
}

/** One paragraph: its label, status (a select for a chair), first words, concordance. */
function row(ctx: WorkflowContext, d: Dashboard, p: DashboardLine): HTMLElement {
  const { me } = ctx;
  const locked = d.workflow.locked;
  const statusCell = maySetStatus(me) && !locked
    ? h("select", { "data-testid": "status-select", "aria-label": `${ctx.label(p)} ${t("wf_statuses")}`, onchange: (e: Event) => void setStatus(ctx, p, (e.target as HTMLSelectElement).value as Status, e.target as HTMLSelectElement) },
      ...STATUSES.map((st) => h("option", { value: st, selected: st === p.status }, t(`status_${st}`))))
    : h("span", { class: `status st-${p.status}` }, t(`status_${p.status}`));
  const conc = h("span", { class: `wf-conc ${p.concordance}`, "data-testid": "concordance" }, t(`wf_${p.concordance}`));
  // Concordance is a paragraph field: what the rules read of the paragraph is its status here.
  const confirms = mayConfirmConcordance(me, { status: p.status, editors: [] }) && p.concordance !== "confirmed" && !locked;
  return h("tr", { "data-paragraph": p.paragraph },
    h("td", { class: "num" }, ctx.label(p)), h("td", {}, statusCell), h("td", { class: "wf-words" }, ctx.words(p)),
    h("td", {}, conc, confirms
      ? h("button", { type: "button", class: "small", "data-testid": "confirm-concordance", onclick: () => void ctx.act(() => api.confirmConcordance(ctx.draftId, p.paragraph)) }, t("wf_confirm"))
      : null));
}

async function setStatus(ctx: WorkflowContext, p: DashboardLine, status: Status, select: HTMLSelectElement): Promise<void> {
  if (p.status !== "agreed" || status === "agreed") {
    await ctx.act(() => api.setStatus(ctx.draftId, p.paragraph, { status }));
    return;
  }
  // Reopening an agreed paragraph: the reason, asked in the app's own dialog.
  const box = h("textarea", { rows: 3, "aria-label": t("wf_reasonPrompt"), "data-testid": "reason" });
  const error = h("p", { class: "error", role: "alert" });
  let done = false;
  const dialog = openDialog({
    title: `${ctx.label(p)} · ${t(`status_${status}`)}`,
    body: [h("label", {}, t("wf_reasonPrompt"), box), error],
    confirm: t("reopen"),
    testid: "reason-dialog",
    onConfirm: async () => {
      const reason = box.value.trim();
      if (!reason) {
        error.textContent = t("wf_reasonRequired");
        return false;
      }
      done = true;
      await ctx.act(() => api.setStatus(ctx.draftId, p.paragraph, { status, reason }));
      return true;
    },
  });
  dialog.addEventListener("close", () => {
    if (!done) select.value = p.status;
  });
}
