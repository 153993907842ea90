// HTTP to the JSON API under /api: the one place that calls `fetch` (api.ts names the
// endpoints). Errors carry the server's message (already written for people).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's JSON body, when it had one (a refusal may say more than its message). */
    readonly body: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

/** The error a failed response carries: the server's `{"error": …}` message, or its status text. */
export async function errorOf(res: Response): Promise<ApiError> {
  let message = res.statusText;
  let body: Record<string, unknown> | null = null;
  try {
    const j = (await res.json()) as Record<string, unknown>;
    body = typeof j === "object" && j !== null ? j : null;
    if (typeof j.error === "string" && j.error) message = j.error;
  } catch {
    // Not JSON: keep the status text.
  }
  return new ApiError(res.status, message, body);
}

/** The answers kept to open a draft again offline: who is signed in, the meetings, the
 * drafts' records, a meeting's people (the draft itself is in IndexedDB). */
const KEPT_OFFLINE = [/^\/api\/me$/, /^\/api\/meetings$/, /^\/api\/drafts$/, /^\/api\/drafts\/[A-Za-z0-9_-]+$/, /^\/api\/meetings\/[A-Za-z0-9_-]+(\/directory)?$/];

const KEPT = "pluma-api";
const kept = (method: string, path: string) => method === "GET" && KEPT_OFFLINE.some((re) => re.test(path)) && "caches" in window;

/** An answer kept from the last time it was read online, if any. */
async function keptAnswer<T>(path: string): Promise<T | null> {
  try {
    const res = await (await caches.open(KEPT)).match(path);
    return res ? ((await res.json()) as T) : null;
  } catch {
    return null;
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  // Offline, nothing is asked of the server (the dashboard's and the activity's polls wait,
  // with no failed request on the console); what is kept is answered from the store.
  if (!navigator.onLine) {
    const answer = kept(method, path) ? await keptAnswer<T>(path) : null;
    if (answer !== null) return answer;
    throw new ApiError(0, "network");
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    const answer = kept(method, path) ? await keptAnswer<T>(path) : null;
    if (answer !== null) return answer;
    throw new ApiError(0, "network");
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  if (kept(method, path)) {
    const copy = res.clone();
    void caches.open(KEPT).then((c) => c.put(path, copy)).catch(() => {});
  }
  return (await res.json()) as T;
}

/**
 * Fetches a file (export or redline). Errors arrive as `ApiError` with the server's
 * message, like every other call.
 */
export async function fetchFile(path: string): Promise<Blob> {
  if (!navigator.onLine) throw new ApiError(0, "network");
  let res: Response;
  try {
    res = await fetch(path, { credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network");
  }
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}

/** Forgets the answers kept for offline use (on signing out: they are the person's). */
export async function forgetOffline(): Promise<void> {
  if ("caches" in window) await caches.delete(KEPT);
}

/** Keeps `value` as the answer to GET `path` when offline (the page learnt it otherwise). */
export async function keepOffline(path: string, value: unknown): Promise<void> {
  if (!("caches" in window)) return;
  try {
    await (await caches.open(KEPT)).put(path, new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } }));
  } catch {
    // No store (a private window, say): the app works online.
  }
}
