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

/**
 * Fetches a file (export or redline). Errors arrive as `ApiError` with the server's
 * message, like every other call.
 */
export async function fetchFile(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network");
  }
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}
