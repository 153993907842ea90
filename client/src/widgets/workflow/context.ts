// What the parts of the workflow panel share: the draft, the person and their capital's
// time zone, the way actions run (then the panel reads the dashboard again), and what the
// person is writing, which survives the panel's repaints.
import type { Dashboard, DashboardLine } from "../../api/types";
import type { User } from "../../logic/model";
import { countryName } from "../../state/countries";
import { lang, t } from "../../state/lang";

export interface WorkflowContext {
  draftId: string;
  me: User;
  /** The viewer's capital's time zone, every time is shown in. */
  zone: string;
  notify(text: string, bad?: boolean): void;
  /** Runs a workflow action and repaints; null when it failed (the notice says why). */
  act(run: () => Promise<unknown>): Promise<unknown>;
  /** A paragraph's label ("OP 3"), and its first words. */
  label(line: DashboardLine): string;
  words(line: DashboardLine): string;
  /** Kept across repaints: the objection and the silence deadline being written, and
   * whether the dashboard is open (also across visits, in localStorage). */
  kept: { objection: string; silence: string; open: boolean };
}

/** A text with pending proposals is neither approved nor put under silence (the server
 * refuses it too): says so, and which delegations' proposals remain. */
export function stillPending(ctx: WorkflowContext, d: Dashboard): boolean {
  const counts = Object.entries(d.proposals_by_country).filter(([, n]) => n > 0);
  const n = counts.reduce((sum, [, k]) => sum + k, 0);
  if (n === 0) return false;
  ctx.notify(t("wf_pendingFirst", { n, list: counts.map(([c, k]) => `${countryName(c, lang())} ${k}`).join(", ") }), true);
  return true;
}

/** The chair's reason for going ahead with paragraphs out of concordance ("" when none was given). */
export function overrideReason(d: Dashboard): string {
  return prompt(t("wf_overridePrompt", { n: d.out_of_concordance }))?.trim() ?? "";
}
