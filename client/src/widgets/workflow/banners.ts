// The banners above the text: the adopted text with its certified fingerprint; the
// silence procedure running (its deadline in the viewer's capital's time) with the
// objection form for delegations; a silence broken or lapsed; a silence proposed by one
// Presidency, which the other Presidency's chair agrees to here.
import { api } from "../../api/api";
import type { Dashboard, SilenceProposal } from "../../api/types";
import { mayAgreeToSilence, mayObject } from "../../logic/permissions";
import { inZone, placeOf } from "../../logic/zones";
import { countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { h } from "../dom";
import type { WorkflowContext } from "./context";

export function banners(ctx: WorkflowContext, d: Dashboard): HTMLElement[] {
  const { me, zone } = ctx;
  const l = lang();
  const wf = d.workflow;
  const out: HTMLElement[] = [];
  if (wf.adopted) {
    out.push(h("div", { class: "wf-banner adopted", role: "status", "data-testid": "adopted-banner" },
      h("strong", {}, t("wf_adoptedOn", { date: inZone(wf.adopted.adopted_at, zone, l) })),
      " ", h("span", {}, t(wf.adopted.how === "silence" ? "wf_adoptedBySilence" : "wf_adoptedByApprovals")),
      h("div", { class: "wf-fp" }, `${t("wf_fingerprint")}: `, h("code", { "data-testid": "fingerprint" }, wf.adopted.fingerprint))));
  }
  const s = wf.silence;
  if (s && s.state === "running") {
    const banner = h("div", { class: "wf-banner silence", role: "status", "data-testid": "silence-banner" },
      h("strong", {}, t("wf_silenceUntil", { time: inZone(s.deadline, zone, l) })),
      h("span", { class: "muted small", "data-zone": zone }, ` (${t("wf_silenceYourTime", { city: placeOf(me.country, zone, l) })})`));
    if (mayObject(me)) banner.append(objection(ctx));
    out.push(banner);
  } else if (s && s.state === "broken" && !wf.adopted) {
    const o = s.objections[s.objections.length - 1];
    if (o) out.push(h("div", { class: "wf-banner broken", role: "status", "data-testid": "silence-broken" }, t("wf_silenceBroken", { country: countryName(o.country, l), text: o.body })));
  } else if (s && s.state === "lapsed" && !wf.adopted) {
    out.push(h("div", { class: "wf-banner broken", role: "status" }, t("wf_silenceLapsed", { reason: s.outcome ?? "" })));
  }
  if (wf.silence_proposal && !wf.adopted && !(s && s.state === "running")) out.push(proposalBanner(ctx, wf.silence_proposal));
  return out;
}

/** A proposed silence: who proposed it, until when, whose agreement is missing; the chair
 * of a Presidency still to agree agrees here. */
function proposalBanner(ctx: WorkflowContext, p: SilenceProposal): HTMLElement {
  const { me, zone } = ctx;
  const l = lang();
  const awaiting = p.awaiting.map((c) => countryName(c, l)).join(", ");
  const mine = me.country !== null && p.consents.includes(me.country);
  const time = inZone(p.deadline, zone, l);
  const banner = h("div", { class: "wf-banner proposal", role: "status", "data-testid": "silence-proposal" },
    h("strong", {}, mine ? t("wf_proposalYours", { awaiting }) : t("wf_proposalPending", { country: countryName(p.country, l), time, awaiting })));
  if (mine) banner.append(" ", h("span", {}, time));
  if (mayAgreeToSilence(me, p.awaiting)) {
    banner.append(h("div", {}, h("button", { type: "button", class: "primary", "data-testid": "agree-silence", onclick: () => void ctx.act(() => api.agreeToSilence(ctx.draftId, p.id)) }, t("wf_agree"))));
  }
  return banner;
}

/** The objection form: repaints rebuild the panel, and the objection being written survives them. */
function objection(ctx: WorkflowContext): HTMLElement {
  const { kept } = ctx;
  const box = h("textarea", { rows: 2, "aria-label": t("wf_objection"), placeholder: t("wf_objection"), "data-testid": "objection-text", value: kept.objection, oninput: (e: Event) => { kept.objection = (e.target as HTMLTextAreaElement).value; } });
  return h("div", { class: "wf-objection" }, box,
    h("button", { type: "button", class: "reject", "data-testid": "object", onclick: () => {
      const text = box.value.trim();
      if (text) void ctx.act(() => api.object(ctx.draftId, text)).then((r) => { if (r) kept.objection = ""; });
    } }, t("wf_object")));
}
