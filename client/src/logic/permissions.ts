// Who may do what, as the server decides it: every permission check of the client reads
// from here, so that the interface offers what the server accepts and nothing it refuses.
//
// The document rules mirror the core's (core/src/rules.rs and core/src/rules/*.rs, DESIGN
// §1 and §3), and are tested against the same cases: data/permission-cases.json is read
// both by tests/unit/permissions.test.ts (these functions) and by
// core/tests/shared_permission_cases.rs (the core's rules, on real changes). The workflow
// rules at the end are the server's API checks (server/src/routes/{approvals,silence,
// suggestions,paragraphs}.rs). The workflow's lock (an adopted text, or one under silence)
// is not a permission: the views add it.
import type { Role, Status } from "./model";

/** The person acting, as the rules see them. */
export interface Person {
  role: Role;
  /** Their delegation (`SEC` for the secretariat, an organisation for an observer; none for an admin). */
  country: string | null;
}

/** What the rules read of the paragraph concerned. */
export interface ParagraphRights {
  status: Status;
  /** Countries that edit it directly besides chairs and the secretariat (a Concept Note session's lead countries). */
  editors: string[];
}

/** Chairs and the secretariat decide on proposals, edit directly, and confirm concordance. */
export function decides(p: Person): boolean {
  return p.role === "chair" || p.role === "secretariat";
}

/** Whether a person drafts at all: observers only comment, administrators have no rights in documents. */
export function drafts(p: Person): boolean {
  return p.country !== null && (p.role === "delegate" || p.role === "chair" || p.role === "secretariat");
}

/** The delegation a person acts for in alternatives, objections and withdrawals through
 * the API: delegates and chairs, never the secretariat, observers or administrators. */
export function delegationOf(p: Person): string | null {
  return (p.role === "delegate" || p.role === "chair") && p.country ? p.country : null;
}

/** An agreed paragraph is frozen to all but a chair. */
export function frozenFor(p: Person, para: ParagraphRights): boolean {
  return para.status === "agreed" && p.role !== "chair";
}

/** Propose insertions and deletions (tracked changes in the person's country's colour). */
export function mayPropose(p: Person, para: ParagraphRights): boolean {
  return drafts(p) && !frozenFor(p, para);
}

/** Edit the text directly (untracked): chairs, the secretariat, and the paragraph's own editors. */
export function mayEditDirectly(p: Person, para: ParagraphRights): boolean {
  return drafts(p) && (decides(p) || para.editors.includes(p.country ?? "")) && !frozenFor(p, para);
}

/** Accept any proposal, or reject another delegation's. */
export function mayDecide(p: Person, para: ParagraphRights): boolean {
  return decides(p) && !frozenFor(p, para);
}

/** Withdraw a proposal of `proposer` (the person's delegation takes back its own). */
export function mayWithdraw(p: Person, para: ParagraphRights, proposer: string): boolean {
  return drafts(p) && p.country === proposer && !frozenFor(p, para);
}

/** Reject a proposal of `proposer`: deciding on another's, or withdrawing one's own. */
export function mayReject(p: Person, para: ParagraphRights, proposer: string): boolean {
  return mayDecide(p, para) || mayWithdraw(p, para, proposer);
}

/** Open comment threads and reply, on any paragraph (observers too). */
export function mayComment(p: Person): boolean {
  return p.country !== null && p.role !== "admin";
}

/** Resolve or reopen a thread opened by `opener`: chairs, the secretariat, and the opening delegation. */
export function mayResolve(p: Person, opener: string): boolean {
  return mayComment(p) && (decides(p) || p.country === opener);
}

/** Set a paragraph's status (and its kind, section and editors). */
export function maySetStatus(p: Person): boolean {
  return p.role === "chair";
}

/** Confirm that a paragraph's two texts match. */
export function mayConfirmConcordance(p: Person, para: ParagraphRights): boolean {
  return decides(p) && !frozenFor(p, para);
}

/** Propose an alternative formulation of a paragraph, in the person's delegation's name. */
export function mayProposeAlternative(p: Person, para: ParagraphRights): boolean {
  return delegationOf(p) !== null && !frozenFor(p, para);
}

/** Add one's delegation to an alternative's sponsors. */
export function mayCosponsor(p: Person, para: ParagraphRights, sponsors: string[]): boolean {
  const own = delegationOf(p);
  return own !== null && !sponsors.includes(own) && !frozenFor(p, para);
}

/** Take one's delegation off an alternative's sponsors (the proposing delegation withdraws the alternative). */
export function mayLeaveSponsorship(p: Person, para: ParagraphRights, sponsors: string[]): boolean {
  const own = delegationOf(p);
  return own !== null && sponsors.includes(own) && !frozenFor(p, para);
}

/** Adopt an alternative (its texts replace the paragraph's). */
export function mayAdoptAlternative(p: Person): boolean {
  return p.role === "chair";
}

// Proposals about whole paragraphs (core/src/rules/paragraph_proposals.rs): decided,
// rejected and withdrawn as text proposals are (mayDecide, mayReject, mayWithdraw).

/** Propose a new paragraph: anywhere, whatever its neighbours' status (the new paragraph
 * itself is open). */
export function mayProposeNewParagraph(p: Person): boolean {
  return drafts(p);
}

/** Propose deleting or moving a paragraph: whoever may propose changes in its text. */
export function mayProposeParagraphChange(p: Person, para: ParagraphRights): boolean {
  return mayPropose(p, para);
}

/** Add a paragraph directly (no proposal): chairs and the secretariat. */
export function mayAddParagraphDirectly(p: Person): boolean {
  return drafts(p) && decides(p);
}

/** Remove a paragraph directly: chairs and the secretariat; an agreed one, a chair. */
export function mayRemoveParagraphDirectly(p: Person, para: ParagraphRights): boolean {
  return mayAddParagraphDirectly(p) && !frozenFor(p, para);
}

/** Reorder paragraphs directly: chairs and the secretariat. */
export function mayReorderDirectly(p: Person): boolean {
  return mayAddParagraphDirectly(p);
}

// The workflow, as the server's API decides it.

/** Approve the text: the chair of one of the draft's Pro-Tempore Presidencies (`ppt`). */
export function mayApprove(p: Person, ppt: string[]): boolean {
  return p.role === "chair" && p.country !== null && ppt.includes(p.country);
}

/** Put the text under silence. */
export function mayStartSilence(p: Person): boolean {
  return p.role === "chair";
}

/** Break silence with a written objection: a delegation (delegate or chair). */
export function mayObject(p: Person): boolean {
  return delegationOf(p) !== null;
}

/** Withdraw proposals through the API (`/suggestions/withdraw`): a delegation; the
 * secretariat takes back its own with "reject". */
export function withdrawsThroughApi(p: Person): boolean {
  return delegationOf(p) !== null;
}

/** Read the whole activity (chairs, the secretariat, administrators); others read what
 * concerns their delegation. */
export function seesAllActivity(p: Person): boolean {
  return p.role === "chair" || p.role === "secretariat" || p.role === "admin";
}
