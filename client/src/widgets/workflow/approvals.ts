// The approval bar: each Pro-Tempore Presidency's approval of the text (given, awaited, or
// voided by a later change, and why), the approve button for a PPT's chair, and a chair's
// silence form.
import { api } from "../../api/api";
import type { Approval, Dashboard } from "../../api/types";
import { mayApprove, mayStartSilence } from "../../logic/permissions";
import { colourOf, countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { h } from "../dom";
import type { WorkflowContext } from "./context";
import { withOverrides } from "./settled";
import { silenceForm } from "./silence";

/** The bar; null after adoption by silence, when the PPTs' approvals no longer matter (the banner says how). */
export function approvalBar(ctx: WorkflowContext, d: Dashboard): HTMLElement | null {
  const { me } = ctx;
  const l = lang();
  const wf = d.workflow;
  if (wf.adopted && wf.adopted.how === "silence") return null;
  const bar = h("div", { class: "wf-approvals", "data-testid": "approval-bar" }, h("strong", {}, `${t("wf_approvals")}: `));
  for (const c of wf.ppt) {
    const ok = wf.approved_by.includes(c);
    bar.append(h("span", { class: `wf-ppt ${ok ? "ok" : "wait"}`, style: `--c:${colourOf(c)}`, "data-country": c },
      `${c} — ${countryName(c, l)}: ${ok ? `✓ ${t("wf_approved")}` : t("wf_awaiting")}`));
  }
  const lastByCountry = new Map<string, Approval>();
  for (const a of wf.approvals) lastByCountry.set(a.country, a);
  for (const a of lastByCountry.values()) {
    if (!a.live && a.void_reason) bar.append(h("div", { class: "wf-voided muted small", "data-testid": "approval-voided" }, t("wf_voided", { country: a.country, reason: a.void_reason })));
  }
  if (mayApprove(me, wf.ppt) && !wf.adopted && !wf.approved_by.includes(me.country ?? "")) {
    bar.append(h("button", { type: "button", class: "primary", "data-testid": "approve", "data-heads": wf.heads.join(), onclick: () => void approve(ctx, d) }, t("wf_approve")));
  }
  if (mayStartSilence(me) && !wf.adopted && !(wf.silence && wf.silence.state === "running")) bar.append(silenceForm(ctx));
  return bar;
}

/** Approves the text as the dashboard showed it; the server decides whether it is settled
 * (and says what stands in the way if not). */
async function approve(ctx: WorkflowContext, d: Dashboard): Promise<void> {
  const sent = await withOverrides(ctx, d, "approve", (o) =>
    api.approve(ctx.draftId, { heads: d.workflow.heads, ...(o.concordance ? { concordance_override: o.concordance } : {}), ...(o.settled ? { settled_override: o.settled } : {}) }));
  if (sent) await ctx.refresh();
}
