// The shapes of the JSON API's answers and bodies beyond the meeting's own (logic/model.ts):
// versions and comparisons (core's `Comparison`, server/src/routes/versions.rs), the
// workflow dashboard (server/src/routes/dashboard.rs), proposals acted on, the activity.
import type { Entry } from "../logic/activityText";
import type { Lang, ParagraphKind, Role, Status } from "../logic/model";

export interface ServerSuggestion {
  id: string;
  country: string;
  user: string;
  at: number;
  kind: "insert" | "delete";
  paragraph: string;
  lang: Lang;
  text: string;
}
/** A proposal acted on, whole (core's `Proposal`). */
export interface ServerProposal {
  id: string;
  country: string;
  user: string;
  at: number;
  paragraph: string;
  kind: "text" | "new_paragraph" | "delete_paragraph" | "move_paragraph";
  parts: ServerSuggestion[];
  languages: Lang[];
  one_language: boolean;
  after?: string;
}
/** What accept, reject and withdraw answer. */
export interface Acted {
  proposals: ServerProposal[];
  suggestions: ServerSuggestion[];
}

/** A participant of a meeting (`GET /api/meetings/{id}/directory`). */
export interface Participant {
  id: string;
  display_name: string;
  /** The name in Spanish, when it differs. */
  display_name_es?: string | null;
  role: Role;
  country: string | null;
  /** A chair of one of the meeting's Pro-Tempore Presidencies. */
  presidency: boolean;
}

/** A paragraph that keeps the text from being adopted: not agreed, or with proposals pending. */
export interface Unsettled {
  paragraph: string;
  /** Its label as the web client shows it, in each language ("OP 2", "PO 2"). */
  label?: { en: string; es: string };
  status: Status;
  pending?: Array<{ country: string; count: number }>;
}

/** A chair adopting a text that is not settled: the reason, recorded and printed with the
 * fingerprint; whether paragraphs agreed ad referendum count as agreed. */
export interface SettledOverride {
  reason: string;
  ad_referendum_agreed: boolean;
}
export type Selection = { ids: string[] } | { country: string } | { paragraph: string } | { all: true };

/** A page of the activity feed (`GET /api/drafts/{id}/activity`). */
export interface ActivityPage {
  entries: Entry[];
  next_before: number | null;
  next_after: number | null;
}

/** One paragraph of the dashboard, in reading order. */
/** A silence procedure one Pro-Tempore Presidency proposed: it starts when every other
 * Presidency (`awaiting`) agrees. */
export interface SilenceProposal {
  id: string;
  country: string;
  deadline: number;
  consents: string[];
  awaiting: string[];
}

export interface DashboardLine {
  number: number | null;
  paragraph: string;
  status: Status;
  first_words: string;
  concordance: "confirmed" | "out_of_concordance" | "unconfirmed";
}
export interface Approval {
  id: string;
  country: string;
  created_at: number;
  live: boolean;
  void_reason: string | null;
}
export interface Silence {
  id: string;
  state: "running" | "broken" | "adopted" | "lapsed" | "closed";
  deadline: number;
  outcome: string | null;
  country: string | null;
  objections: Array<{ country: string; body: string; created_at: number }>;
}
export interface Dashboard {
  status_counts: Record<Status, number>;
  /** What stands in the way of adoption (servers before the settled-text rule list the
   * paragraphs still open or bracketed, without labels or pending counts). */
  unsettled: Unsettled[];
  proposals_by_country: Record<string, number>;
  paragraphs: DashboardLine[];
  out_of_concordance: number;
  workflow: {
    ppt: string[];
    heads: string[];
    approvals: Approval[];
    approved_by: string[];
    awaiting: string[];
    silence: Silence | null;
    /** A silence procedure proposed by one Presidency, waiting for the other's agreement. */
    silence_proposal: SilenceProposal | null;
    adopted: { fingerprint: string; adopted_at: number; how: string; concordance_override: string | null } | null;
    locked: string | null;
  };
}

/** A named version: the document's heads with a label, who saved it and when. */
export interface Version {
  id: string;
  draft_id: string;
  label: string;
  heads: string[];
  /** `null` for versions the server saved itself. */
  created_by: string | null;
  country: string | null;
  /** Unix milliseconds. */
  created_at: number;
}

export interface Piece {
  op: "equal" | "insert" | "delete";
  text: string;
  /** The country credited with an insertion or deletion (absent: bound to no delegation). */
  country?: string;
  /** The same words were cut in one place of the paragraph and put in another. */
  moved?: boolean;
}

export interface ParagraphDiff {
  id: string;
  change: "unchanged" | "changed" | "added" | "removed";
  moved: boolean;
  from_number: number | null;
  to_number: number | null;
  kind: ParagraphKind;
  status?: { from: Status; to: Status };
  kind_change?: { from: ParagraphKind; to: ParagraphKind };
  /** Who added or removed the paragraph. */
  by?: string;
  pieces: Piece[];
}

export interface ProposalNote {
  id: string;
  country: string;
  kind: "insert" | "delete";
  paragraph: string;
  text: string;
}

export interface Comparison {
  lang: Lang;
  from: string[];
  to: string[];
  title: Piece[];
  paragraphs: ParagraphDiff[];
  proposals: { opened: ProposalNote[]; settled: ProposalNote[] };
  summary: {
    added: number;
    removed: number;
    moved: number;
    changed: number;
    status_changed: number;
    /** Words inserted and deleted by country (`"?"`: changes bound to no delegation). */
    by_country: Record<string, { inserted: number; deleted: number }>;
  };
}

/** "current" or a version id. */
export type VersionRef = string;
export const CURRENT: VersionRef = "current";

export type ExportFormat = "md" | "html" | "docx" | "docx-tracked";
export type DiffFileFormat = "html" | "md" | "docx";


/** Something of a returned Word file that was not made into a proposal, and why. */
export interface NotPlaced {
  paragraph: string | null;
  label: string | null;
  what: string;
  text: string;
  reason: string;
}

/** What `POST /api/drafts/{id}/returns` answers (server/src/returns.rs). */
export interface ReturnOut {
  id: string;
  already_returned: boolean;
  brought_back_by: { user: string; role: string; on_behalf_of: string };
  report: {
    proposals: Array<{ id: string; paragraph: string; label: string; kind: string; deleted: string; inserted: string; tracked: boolean }>;
    comments: Array<{ thread: string; paragraph: string; label: string; quote: string; body: string }>;
    not_placed: NotPlaced[];
    already_brought_back: NotPlaced[];
    paragraphs: Array<{ paragraph: string; label: string; proposals: number; comments: number; not_placed: number }>;
  };
}
