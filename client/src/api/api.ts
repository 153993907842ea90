// The JSON API under /api, one function per endpoint: every view and widget talks to the
// server through here (http.ts does the HTTP).
import type { DraftInfo, Meeting, MeetingDetail, User } from "../logic/model";
import { ApiError, call, fetchFile, forgetOffline, keepOffline } from "./http";
import type { Acted, ActivityPage, Comparison, Dashboard, DiffFileFormat, ExportFormat, Participant, ReturnOut, Selection, SettledOverride, Version, VersionRef } from "./types";

export { ApiError };

const draftPath = (draft: string) => `/api/drafts/${encodeURIComponent(draft)}`;
const paragraphPath = (draft: string, pid: string) => `${draftPath(draft)}/paragraphs/${encodeURIComponent(pid)}`;

export const api = {
  signIn: async (login: string, password: string) => {
    const answer = await call<{ user: User }>("POST", "/api/session", { login, password });
    // Who is signed in, kept as /api/me answers it, for a start offline.
    await keepOffline("/api/me", answer.user);
    return answer;
  },
  signOut: async () => {
    try {
      await call<void>("DELETE", "/api/session");
    } finally {
      await forgetOffline();
    }
  },
  me: () => call<User>("GET", "/api/me"),
  meetings: () => call<Meeting[]>("GET", "/api/meetings"),
  meeting: (id: string) => call<MeetingDetail>("GET", `/api/meetings/${encodeURIComponent(id)}`),
  /** Everyone taking part in a meeting, by name: what proposals, comments and activity name. */
  directory: (id: string) => call<Participant[]>("GET", `/api/meetings/${encodeURIComponent(id)}/directory`),
  drafts: () => call<DraftInfo[]>("GET", "/api/drafts"),
  draft: (id: string) => call<DraftInfo>("GET", draftPath(id)),
  ticket: () => call<{ ticket: string; expires_at: number }>("POST", "/api/sync-tickets"),
  act: (draft: string, action: "accept" | "reject" | "withdraw", selection: Selection) =>
    call<Acted>("POST", `${draftPath(draft)}/suggestions/${action}`, selection),

  /** A Word file brought back (base64) as a delegation's proposals: `as` names it (the
   * secretariat's choice; a delegation's own file needs none). */
  bringBack: (draft: string, content: string, as: string | null) =>
    call<ReturnOut>("POST", `${draftPath(draft)}/returns`, as ? { content, as } : { content }),

  // The negotiation workflow.
  dashboard: (draft: string) => call<Dashboard>("GET", `${draftPath(draft)}/dashboard`),
  setStatus: (draft: string, pid: string, body: { status: string; reason?: string }) => call<unknown>("POST", `${paragraphPath(draft, pid)}/status`, body),
  confirmConcordance: (draft: string, pid: string) => call<unknown>("POST", `${paragraphPath(draft, pid)}/concordance`, {}),
  /** Approves the text; refused (409, with `unsettled`) while it is not settled, unless `settled_override` gives the chair's reason. */
  approve: (draft: string, body: { heads: string[]; concordance_override?: string; settled_override?: SettledOverride }) => call<unknown>("POST", `${draftPath(draft)}/approvals`, body),
  startSilence: (draft: string, body: { deadline: number; concordance_override?: string; settled_override?: SettledOverride }) => call<unknown>("POST", `${draftPath(draft)}/silence`, body),
  agreeToSilence: (draft: string, proposal: string) => call<unknown>("POST", `${draftPath(draft)}/silence/agreement`, { proposal }),
  object: (draft: string, text: string) => call<unknown>("POST", `${draftPath(draft)}/silence/objections`, { text }),

  /** A page of the activity: the newest `limit` entries, or those before or after a cursor;
   * with `country`, what concerns that delegation. */
  activity: (draft: string, q: { limit: number; before?: number; after?: number; country: string | null }) => {
    const query = [
      q.after === undefined ? null : `after=${q.after}`,
      `limit=${q.limit}`,
      q.before === undefined ? null : `before=${q.before}`,
      q.country ? `country=${encodeURIComponent(q.country)}` : null,
    ];
    return call<ActivityPage>("GET", `${draftPath(draft)}/activity?${query.filter((x) => x !== null).join("&")}`);
  },

  // Versions, comparisons and exports (server/src/routes/versions.rs).
  versions: (draft: string) => call<Version[]>("GET", `${draftPath(draft)}/versions`),
  saveVersion: (draft: string, label: string) => call<Version>("POST", `${draftPath(draft)}/versions`, { label }),
  compare: (draft: string, from: VersionRef, to: VersionRef, lang: "en" | "es") =>
    call<Comparison>("GET", `${draftPath(draft)}/diff?${new URLSearchParams({ from, to, lang, format: "json" })}`),
  /** An export of the text as a file. */
  exportFile: (draft: string, version: VersionRef, lang: "en" | "es", format: ExportFormat) =>
    fetchFile(`${draftPath(draft)}/export?${new URLSearchParams({ version, lang, format })}`),
  /** A comparison as a file (redline). */
  diffFile: (draft: string, from: VersionRef, to: VersionRef, lang: "en" | "es", format: DiffFileFormat) =>
    fetchFile(`${draftPath(draft)}/diff?${new URLSearchParams({ from, to, lang, format })}`),
};
