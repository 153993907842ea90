// Adoption only of a settled text: approval and silence are refused (409) while a paragraph
// is Open, Bracketed or Agreed ad ref., or a proposal is pending. The panel shows what
// stands in the way before a chair asks (the dashboard's `unsettled`, each paragraph by its
// label); a refusal opens the app's own dialog with the server's list, and a chair may go
// ahead anyway with a reason (recorded and printed with the fingerprint), saying whether
// paragraphs agreed ad referendum count as agreed.
import { ApiError } from "../../api/api";
import type { Dashboard, SettledOverride, Unsettled } from "../../api/types";
import { colourOf, countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { openDialog } from "../dialog";
import { h } from "../dom";
import { errorText } from "../errors";
import { type WorkflowContext, overrideReason } from "./context";

/** The chair cancelled a question: nothing is sent. */
class Cancelled extends Error {}

/** What a chair's approval or silence may carry: the reasons to go ahead. */
export interface Overrides {
  concordance?: string;
  settled?: SettledOverride;
}

/**
 * Sends an approval or the start of silence for the text as the dashboard `d` showed it.
 * What stands in the way comes first (the server's refusal, in the settled-text dialog);
 * the reason for paragraphs out of concordance is asked once, when the text is settled or
 * the chair goes ahead anyway. Resolves whether it was done.
 */
export function withOverrides(ctx: WorkflowContext, d: Dashboard, what: "approve" | "silence", send: (o: Overrides) => Promise<unknown>): Promise<boolean> {
  let concordance: string | undefined;
  let asked = d.out_of_concordance === 0;
  return withSettledText(ctx, what, async (settled) => {
    if (!asked && (settled || (d.unsettled ?? []).length === 0)) {
      const reason = await overrideReason(d);
      if (reason === null) throw new Cancelled();
      concordance = reason;
      asked = true;
    }
    return send({ concordance, settled });
  });
}

/** Each paragraph that stands in the way: its label, its status, the proposals pending in it. */
export function unsettledList(ctx: WorkflowContext, list: Unsettled[]): HTMLElement {
  const l = lang();
  return h("ul", { class: "wf-unsettled", "data-testid": "unsettled" }, ...list.map((u) => {
    const pending = u.pending ?? [];
    return h("li", { "data-paragraph": u.paragraph },
      h("strong", { class: "num" }, u.label?.[l] || ctx.labelOf(u.paragraph)), " ",
      h("span", { class: `status st-${u.status}` }, t(`status_${u.status}`)),
      pending.length > 0 ? h("span", { class: "muted small" }, ` · ${t("wf_pendingCount", { n: pending.reduce((n, p) => n + p.count, 0) })} `) : null,
      ...pending.map((p) => h("span", { class: "chip", style: `--c:${colourOf(p.country)}`, title: countryName(p.country, l) }, `${p.country} ${p.count}`)));
  }));
}

/** What stands in the way of adoption, shown before anyone asks, in a line or two: the
 * paragraphs by status, then those with proposals pending; null once adopted. */
export function standing(ctx: WorkflowContext, d: Dashboard): HTMLElement | null {
  if (d.workflow.adopted) return null;
  const list = d.unsettled ?? [];
  const l = lang();
  // The text's own labels first ("Session 3 · Question 2"), the server's when the page has none.
  const label = (u: Unsettled) => ctx.labelOf(u.paragraph) || u.label?.[l] || "";
  const group = (title: string, items: Unsettled[], extra: (u: Unsettled) => string = () => "") =>
    items.length === 0 ? null : h("span", { class: "wf-group" }, h("span", { class: "muted" }, `${title}: `),
      ...items.flatMap((u, i) => [i > 0 ? ", " : "", h("span", { class: "num", "data-paragraph": u.paragraph }, label(u)), extra(u)]));
  const statuses = (["open", "bracketed", "agreed_ad_ref"] as const).map((st) => group(t(`status_${st}`), list.filter((u) => u.status === st)));
  const pending = group(t("wf_proposalsBy"), list.filter((u) => (u.pending ?? []).length > 0),
    (u) => ` (${(u.pending ?? []).map((p) => `${p.country} ${p.count}`).join(", ")})`);
  // One line until the reader unfolds it: the text comes first.
  const long = list.length > 6;
  const el = h("div", { class: `wf-standing${long && !ctx.kept.standingOpen ? " folded" : ""}`, "data-testid": "standing" });
  const toggle = long ? h("button", { type: "button", class: "link wf-unfold", "aria-expanded": String(ctx.kept.standingOpen), "data-testid": "standing-toggle", onclick: () => {
    ctx.kept.standingOpen = !ctx.kept.standingOpen;
    el.classList.toggle("folded", !ctx.kept.standingOpen);
    toggle?.setAttribute("aria-expanded", String(ctx.kept.standingOpen));
    if (toggle) toggle.textContent = ctx.kept.standingOpen ? t("wf_showLess") : t("wf_showAll", { n: list.length });
  } }, ctx.kept.standingOpen ? t("wf_showLess") : t("wf_showAll", { n: list.length })) : null;
  el.append(toggle ?? "", h("strong", {}, `${t("wf_standing")}: `),
    ...(list.length === 0 ? [h("span", { class: "muted" }, t("wf_standingNone"))] : [...statuses, pending].filter((x): x is HTMLElement => x !== null)));
  return el;
}

/** The paragraphs a 409 names, if it is the settled-text refusal. */
function refusal(e: unknown): Unsettled[] | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const list = e.body?.unsettled;
  return Array.isArray(list) ? (list as Unsettled[]) : null;
}

/**
 * Runs `send` (an approval, or starting silence); if the server refuses an unsettled text,
 * shows why in a dialog that lets a chair go ahead with a reason. Resolves whether it was done.
 */
async function withSettledText(ctx: WorkflowContext, what: "approve" | "silence", send: (override?: SettledOverride) => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (e) {
    if (e instanceof Cancelled) return false;
    const list = refusal(e);
    if (!list) {
      ctx.notify(errorText(e), true);
      return false;
    }
    return overrideDialog(ctx, what, list, send);
  }
}

function overrideDialog(ctx: WorkflowContext, what: "approve" | "silence", list: Unsettled[], send: (override?: SettledOverride) => Promise<unknown>): Promise<boolean> {
  const reason = h("textarea", { rows: 3, maxlength: 2000, "data-testid": "override-reason", "aria-label": t("wf_overrideReason") });
  const adRef = h("input", { type: "checkbox", "data-testid": "override-ad-ref" });
  const problem = h("p", { class: "error", role: "alert", "data-testid": "override-error" });
  const hasAdRef = list.some((u) => u.status === "agreed_ad_ref");
  return new Promise((resolve) => {
    let done = false;
    const dialog = openDialog({
      title: t(what === "approve" ? "wf_refusedTitle" : "wf_refusedSilenceTitle"),
      body: [
        h("p", {}, t("wf_refusedHelp")),
        unsettledList(ctx, list),
        h("label", { class: "dlg-field" }, t("wf_overrideReason"), reason),
        hasAdRef ? h("label", { class: "dlg-check" }, adRef, ` ${t("wf_adRefAgreed")}`) : null,
        problem,
      ],
      confirm: t(what === "approve" ? "wf_override" : "wf_overrideSilence"),
      danger: true,
      testid: "settled-dialog",
      onConfirm: async () => {
        const why = reason.value.trim();
        if (!why) {
          problem.textContent = t("wf_reasonRequired");
          return false;
        }
        try {
          await send({ reason: why, ad_referendum_agreed: adRef.checked });
        } catch (e) {
          problem.textContent = e instanceof Cancelled ? "" : errorText(e);
          return false;
        }
        done = true;
        return true;
      },
    });
    dialog.addEventListener("close", () => resolve(done));
  });
}
