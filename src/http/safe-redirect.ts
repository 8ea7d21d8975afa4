const BASE = "http://claimant.invalid";

/**
 * Keeps a post-login destination on this site: a local path, after the URL parser has resolved dot
 * segments and backslashes the way browsers do. Anything that could leave the site (`//host`,
 * `/\host`, `/.//host`, encoded slashes or backslashes at the start, control characters, a full
 * URL) falls back, as does anything that is not a string.
 */
export function safeLocalPath(candidate: unknown, fallback = "/"): string {
  if (typeof candidate !== "string" || !candidate.startsWith("/") || hasControlCharacter(candidate)) {
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(candidate, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || leavesTheSite(path) || leavesTheSite(safeDecode(url.pathname))) {
    return fallback;
  }
  return path;
}

/** A path a browser might read as another host: starts with two slashes or a slash and a backslash. */
function leavesTheSite(path: string): boolean {
  return /^[/\\][/\\]/.test(path) || path.includes("\\");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return "//";
  }
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}
