// JSON calls to /api/v1 with the session's CSRF token. Never throws: failures come back as data.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";

/**
 * @param {"GET" | "POST" | "PATCH" | "DELETE"} method
 * @param {string} url
 * @param {unknown} [body]
 * @param {AbortSignal} [signal]
 * @returns {Promise<{ ok: boolean, status: number, data: any }>}
 */
export async function callApi(method, url, body, signal) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
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
  if (response.status === 204) return { ok: true, status: 204, data: null };
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = {
      error: { code: "bad_response", message: `The server answered ${response.status} without details.` },
    };
  }
  return { ok: response.ok, status: response.status, data };
}

/** The message of an error answer, or a generic one. */
export function errorMessage(result) {
  return result?.data?.error?.message ?? `The server answered ${result?.status ?? "nothing"}.`;
}
