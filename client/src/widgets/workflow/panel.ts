// The workflow panel of a draft: the banners (adoption with the certified fingerprint; the
// silence procedure with the objection form), the approval bar of both Pro-Tempore
// Presidencies with a chair's silence form, and the dashboard (statuses, concordance,
// pending proposals per country). Everything comes from GET /api/drafts/{id}/dashboard,
// read every few seconds; actions call the workflow API and the panel reads it again.
import "./workflow.css";
import { api } from "../../api/api";
import type { Dashboard, DashboardLine } from "../../api/types";
import type { Meeting, User } from "../../logic/model";
import { viewerTimeZone } from "../../logic/zones";
import { clear } from "../dom";
import { errorText } from "../errors";
import { approvalBar } from "./approvals";
import { banners } from "./banners";
import type { ParagraphCounts, WorkflowContext } from "./context";
import { dashboard } from "./dashboard";
import { standing } from "./settled";

/** How often the panel reads the dashboard. */
const POLL_MS = 3000;

const number = (line: DashboardLine) => (line.number === null ? "§" : `${line.number}.`);

export interface WorkflowPanelOptions {
  draftId: string;
  me: User;
  meetings: Meeting[];
  notify: (text: string, bad?: boolean) => void;
  /** Told the workflow's lock (why the text takes no change: adopted, under silence) or
   * null, after every read of the dashboard. */
  onLock?: (locked: string | null) => void;
  /** The paragraph's label as the text shows it ("OP 3"), when the page knows it. */
  paragraphLabel?: (pid: string) => string;
  /** The paragraph's first words in the reader's language, when the page has the text. */
  firstWords?: (pid: string) => string;
  /** Pending proposals about whole paragraphs, by kind, when the page has the text. */
  paragraphProposals?: () => ParagraphCounts;
}

/** Mounts the panel in `el`; returns a function that stops its refreshing. */
export function mountWorkflowPanel(el: HTMLElement, opts: WorkflowPanelOptions): () => void {
  let last = "";
  let lockKnown = false;
  const ctx: WorkflowContext = {
    draftId: opts.draftId,
    me: opts.me,
    zone: viewerTimeZone(opts.me, opts.meetings),
    notify: opts.notify,
    act: async (run) => {
      try {
        const r = await run();
        await refresh(true);
        return r;
      } catch (e) {
        opts.notify(errorText(e), true);
        return null;
      }
    },
    label: (line) => opts.paragraphLabel?.(line.paragraph) || number(line),
    labelOf: (pid) => opts.paragraphLabel?.(pid) ?? "",
    refresh: () => refresh(true),
    paragraphProposals: opts.paragraphProposals,
    words: (line) => opts.firstWords?.(line.paragraph) || line.first_words,
    // The dashboard is a summary line, opened on demand (never open when the page opens: the
    // text comes first).
    kept: { objection: "", silence: "", open: false, silenceOpen: false, standingOpen: false },
  };

  async function refresh(force = false): Promise<void> {
    let d: Dashboard;
    try {
      d = await api.dashboard(opts.draftId);
    } catch {
      // Unreadable (offline, say): the text stays editable, and the server still refuses
      // what a lock forbids.
      if (!lockKnown) opts.onLock?.(null);
      lockKnown = true;
      return;
    }
    lockKnown = true;
    opts.onLock?.(d.workflow.locked);
    const sig = JSON.stringify([d, opts.paragraphProposals?.()]);
    if (!force && sig === last) return;
    last = sig;
    paint(d);
  }

  function paint(d: Dashboard): void {
    clear(el);
    el.className = "workflow";
    el.append(...banners(ctx, d));
    const bar = approvalBar(ctx, d);
    if (bar) el.append(bar);
    const blocking = standing(ctx, d);
    if (blocking) el.append(blocking);
    el.append(dashboard(ctx, d));
  }

  void refresh(true);
  const timer = setInterval(() => void refresh(), POLL_MS);
  return () => clearInterval(timer);
}
