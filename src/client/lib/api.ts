// JSON calls to /api/v1 with the session's CSRF token. Never throws (but for an abort): failures
// come back as data, so every caller handles them where it shows them.
import { pageCsrfToken } from "./dom.js";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** The error body every /api answer other than 2xx carries (src/http/error-handler.ts). */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
  /** On a 409: the current state of what was changed. */
  current?: unknown;
  /** On a 409 similar_speakers: the existing speakers the new name resembles, closest first. */
  candidates?: unknown[];
  /** On a 409 similar_speakers: what to add to the speaker to create it anyway. */
  confirmWith?: Record<string, unknown>;
}

export type ApiResult<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; data: { error?: ApiError } | null };

/** What GET /api/v1/session answers when logged in. */
export interface SessionJson {
  user: { id: number; name: string; role: string };
  csrfToken: string | null;
}

let csrfToken = pageCsrfToken();
/** Whose page this is: a write is sent again with a new session's token only for the same user. */
const pageUserId = Number(document.querySelector<HTMLMetaElement>('meta[name="user-id"]')?.content) || null;

/**
 * Every write carries an Idempotency-Key. The same write sent again (the same method, address and
 * body: Save pressed again after a network error, a 503 or being logged out) carries the same key,
 * so the server answers it as it answered the first time if that one did go through, instead of
 * storing it twice. Once an answer says what became of the write, its key is forgotten.
 */
const pendingKeys = new Map<string, string>();

function keyFor(method: Method, url: string, body: unknown): string {
  const write = `${method} ${url} ${JSON.stringify(body ?? null)}`;
  let key = pendingKeys.get(write);
  if (!key) {
    // getRandomValues works on plain http too, where crypto.randomUUID does not.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    key = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    pendingKeys.set(write, key);
  }
  return key;
}

/** Answers after which the same write may still have to be sent again: keep its key. */
function outcomeUnknown(result: ApiResult<unknown>): boolean {
  return result.status === 0 || result.status === 401 || result.status >= 500;
}

export async function callApi<T>(
  method: Method,
  url: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<ApiResult<T>> {
  if (method === "GET") return sendOnce<T>(method, url, body, signal);
  const write = `${method} ${url} ${JSON.stringify(body ?? null)}`;
  const key = keyFor(method, url, body);
  const result = await sendOnce<T>(method, url, body, signal, key);
  if (!outcomeUnknown(result)) pendingKeys.delete(write);
  return result;
}

async function sendOnce<T>(
  method: Method,
  url: string,
  body: unknown,
  signal: AbortSignal | undefined,
  key?: string,
): Promise<ApiResult<T>> {
  const result = await send<T>(method, url, body, signal, key);
  if (!isStaleToken(result)) return result;
  // The page's token belongs to a session that ended; the user has logged in again since (in
  // another tab), or the write would have been refused as logged out (401). Fetch this session's
  // token and send once more.
  const session = await send<SessionJson>("GET", "/api/v1/session", undefined, signal);
  if (!session.ok) return session;
  if (!session.data.csrfToken) return result;
  if (pageUserId !== null && session.data.user.id !== pageUserId) return otherUser(session.data.user.name);
  csrfToken = session.data.csrfToken;
  return send<T>(method, url, body, signal, key);
}

/** Someone else logged in in this browser since the page was opened: the write must not become theirs. */
function otherUser(name: string): ApiResult<never> {
  const message = `This browser is now logged in as ${name}, so this was not saved. Log in again as yourself (in another tab), then send it again.`;
  return { ok: false, status: 403, data: { error: { code: "other_user", message } } };
}

/** Whether an answer is a write refused for a CSRF token of a session that has ended. */
function isStaleToken(result: ApiResult<unknown>): boolean {
  return !result.ok && result.status === 403 && result.data?.error?.code === "csrf";
}

/** Whether an answer says the session has ended (logged out, deactivated, expired). */
export function isLoggedOut(result: ApiResult<unknown>): boolean {
  return !result.ok && result.status === 401;
}

async function send<T>(
  method: Method,
  url: string,
  body: unknown,
  signal?: AbortSignal,
  key?: string,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (key) headers["Idempotency-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    return {
      ok: false,
      status: 0,
      data: {
        error: {
          code: "network",
          message: "Could not reach the server. Check your connection and try again.",
        },
      },
    };
  }
  if (response.status === 204) return { ok: true, status: 204, data: null as T };
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = {
      error: { code: "bad_response", message: `The server answered ${response.status} without details.` },
    };
  }
  return response.ok
    ? { ok: true, status: response.status, data: data as T }
    : { ok: false, status: response.status, data: data as { error?: ApiError } | null };
}

/** The message of an error answer, or a generic one. */
export function errorMessage(result: ApiResult<unknown> | null | undefined): string {
  const error = result && !result.ok ? result.data?.error : undefined;
  return error?.message ?? `The server answered ${result?.status ?? "nothing"}.`;
}
