// A Presidency's chair proposes to put the text under silence until a deadline, picked as a
// wall-clock time in their own capital (the input's value is read in that zone, not the
// browser's) and shown back as every delegation will see it. The procedure starts when
// the other Presidency agrees (see banners.ts).
import { api } from "../../api/api";
import type { Dashboard } from "../../api/types";
import { inZone, placeOf, wallTimeIn, wallTimeOf, zoneOffset } from "../../logic/zones";
import { lang, t } from "../../state/lang";
import { h } from "../dom";
import { errorText } from "../errors";
import type { WorkflowContext } from "./context";
import { withOverrides } from "./settled";

export function silenceForm(ctx: WorkflowContext): HTMLElement {
  const { me, zone, kept } = ctx;
  const l = lang();
  const city = placeOf(me.country, zone, l);
  const preview = h("div", { class: "muted small wf-preview", "data-testid": "silence-preview", "aria-live": "polite" });
  const input = h("input", {
    type: "datetime-local",
    "aria-label": `${t("wf_startSilence")} (${t("wf_timeOf", { city })})`,
    "data-testid": "silence-deadline",
    min: wallTimeOf(Date.now(), zone),
    value: kept.silence,
    oninput: () => {
      kept.silence = input.value;
      showPreview();
    },
  }) as HTMLInputElement;
  function showPreview(): void {
    const ms = wallTimeIn(input.value, zone);
    preview.textContent = Number.isNaN(ms) ? t("wf_deadlineHelp") : ms <= Date.now() ? t("wf_deadlinePast") : t("wf_deadlinePreview", { time: inZone(ms, zone, l) });
  }
  showPreview();
  // Folded into one button until a chair opens it: the text comes first.
  const details = h("details", { class: "wf-start", "data-testid": "silence-form", ...(kept.silenceOpen ? { open: true } : {}) });
  details.addEventListener("toggle", () => (kept.silenceOpen = details.open));
  details.append(h("summary", { "data-testid": "silence-open" }, `${t("wf_startSilence")}…`));
  details.append(h("div", { class: "wf-start-body" },
    h("label", {}, `${t("wf_startSilence")} `, input, h("span", { class: "muted small" }, ` ${t("wf_timeOf", { city })}, ${zoneOffset(Date.now(), zone)}`)),
    h("button", { type: "button", "data-testid": "start-silence", onclick: () => {
      const ms = wallTimeIn(input.value, zone);
      if (Number.isNaN(ms)) {
        ctx.notify(t("wf_deadlineHelp"), true);
        return;
      }
      void startSilence(ctx, ms);
    } }, t("wf_start")),
    preview,
    h("div", { class: "muted small" }, t("wf_silenceRule"))));
  return details;
}

/** Puts the text under silence, checked against the dashboard as it is now (the one
 * painted may be up to a poll old): out of concordance only with the chair's reason; the
 * server refuses a text that is not settled, and the chair may then go ahead with a reason. */
async function startSilence(ctx: WorkflowContext, deadline: number): Promise<void> {
  let now: Dashboard;
  try {
    now = await api.dashboard(ctx.draftId);
  } catch (e) {
    ctx.notify(errorText(e), true);
    return;
  }
  // The answer has the procedure when it started (a meeting of one Presidency), else only
  // the proposal, waiting for the other Presidency.
  let started = false;
  const sent = await withOverrides(ctx, now, "silence", async (o) => {
    const answer = (await api.startSilence(ctx.draftId, {
      deadline,
      ...(o.concordance ? { concordance_override: o.concordance } : {}),
      ...(o.settled ? { settled_override: o.settled } : {}),
    })) as { silence?: unknown } | null;
    started = Boolean(answer?.silence);
    return answer;
  });
  if (sent) {
    ctx.kept.silence = "";
    if (!started) ctx.notify(t("wf_proposed"));
    await ctx.refresh();
  }
}
