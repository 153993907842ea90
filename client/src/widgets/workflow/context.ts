// What the parts of the workflow panel share: the draft, the person and their capital's
// time zone, the way actions run (then the panel reads the dashboard again), and what the
// person is writing, which survives the panel's repaints.
import type { Dashboard, DashboardLine } from "../../api/types";
import type { User } from "../../logic/model";
import { t } from "../../state/lang";
import { openDialog } from "../dialog";
import { h } from "../dom";

/** Pending proposals about whole paragraphs, by kind. */
export interface ParagraphCounts {
  new: number;
  deleted: number;
  moved: number;
}

export interface WorkflowContext {
  draftId: string;
  me: User;
  /** The viewer's capital's time zone, every time is shown in. */
  zone: string;
  notify(text: string, bad?: boolean): void;
  /** Runs a workflow action and repaints; null when it failed (the notice says why). */
  act(run: () => Promise<unknown>): Promise<unknown>;
  /** Reads the dashboard again and repaints. */
  refresh(): Promise<void>;
  /** A paragraph's label ("OP 3"), and its first words. */
  label(line: DashboardLine): string;
  /** A paragraph's label by id ("" when the page does not know it). */
  labelOf(pid: string): string;
  words(line: DashboardLine): string;
  /** Pending proposals about whole paragraphs, when the page knows them. */
  paragraphProposals?: () => ParagraphCounts;
  /** Kept across repaints: the objection and the silence deadline being written, and
   * whether the dashboard is open (also across visits, in localStorage). */
  kept: { objection: string; silence: string; open: boolean; silenceOpen: boolean; standingOpen: boolean };
}

/** The chair's reason for going ahead with paragraphs out of concordance, asked in the
 * app's own dialog; null when they cancel. */
export function overrideReason(d: Dashboard): Promise<string | null> {
  const box = h("textarea", { rows: 3, "data-testid": "concordance-reason", "aria-label": t("wf_concordanceReason", { n: d.out_of_concordance }) });
  return new Promise((resolve) => {
    let given: string | null = null;
    const dialog = openDialog({
      title: t("wf_concordanceTitle"),
      body: [h("label", { class: "dlg-field" }, t("wf_concordanceReason", { n: d.out_of_concordance }), box)],
      confirm: t("wf_goAhead"),
      testid: "concordance-dialog",
      onConfirm: () => {
        given = box.value.trim();
        return given.length > 0;
      },
    });
    dialog.addEventListener("close", () => resolve(given || null));
  });
}
