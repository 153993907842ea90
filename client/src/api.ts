// The JSON API under /api. Errors carry the server's message (already written for people).
export interface User {
  id: string;
  login: string;
  display_name: string;
  role: "delegate" | "chair" | "secretariat" | "observer" | "admin";
  country: string | null;
}
export interface Delegation {
  code: string;
  name_en: string;
  name_es: string;
  conference: string;
  time_zone: string;
  is_ppt: boolean;
}
export interface Meeting {
  id: string;
  name_en: string;
  name_es: string;
  delegations: Delegation[];
}
export interface DraftInfo {
  id: string;
  doc_id: string;
  meeting_id: string | null;
  kind: "communique" | "concept_note";
  title_en: string;
  title_es: string;
  url: string;
}
export interface ServerSuggestion {
  id: string;
  country: string;
  user: string;
  at: number;
  kind: "insert" | "delete";
  paragraph: string;
  lang: "en" | "es";
  text: string;
}
export type Selection = { ids: string[] } | { country: string } | { paragraph: string } | { all: true };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The error a failed response carries: the server's `{"error": …}` message, or its status text. */
export async function errorOf(res: Response): Promise<ApiError> {
  let message = res.statusText;
  try {
    const j = (await res.json()) as { error?: string };
    if (j.error) message = j.error;
  } catch {
    // Not JSON: keep the status text.
  }
  return new ApiError(res.status, message);
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network");
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  signIn: (login: string, password: string) => call<{ user: User }>("POST", "/api/session", { login, password }),
  signOut: () => call<void>("DELETE", "/api/session"),
  me: () => call<User>("GET", "/api/me"),
  meetings: () => call<Meeting[]>("GET", "/api/meetings"),
  meeting: (id: string) => call<import("./agenda").MeetingDetail>("GET", `/api/meetings/${encodeURIComponent(id)}`),
  drafts: () => call<DraftInfo[]>("GET", "/api/drafts"),
  draft: (id: string) => call<DraftInfo>("GET", `/api/drafts/${encodeURIComponent(id)}`),
  ticket: () => call<{ ticket: string; expires_at: number }>("POST", "/api/sync-tickets"),
  act: (draft: string, action: "accept" | "reject" | "withdraw", selection: Selection) =>
    call<{ suggestions: ServerSuggestion[] }>("POST", `/api/drafts/${encodeURIComponent(draft)}/suggestions/${action}`, selection),
};
