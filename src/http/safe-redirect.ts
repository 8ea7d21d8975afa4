/** Keeps a post-login destination on this site: a local absolute path, never `//host` or a URL. */
export function safeLocalPath(candidate: unknown, fallback = "/"): string {
  if (typeof candidate !== "string" || !candidate.startsWith("/")) return fallback;
  if (candidate.startsWith("//") || candidate.startsWith("/\\") || hasControlCharacter(candidate)) {
    return fallback;
  }
  const base = "http://claimant.invalid";
  const url = new URL(candidate, base);
  if (url.origin !== base) return fallback;
  return url.pathname + url.search + url.hash;
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}
