/** Keeps the first of items that differ only in case ("Hajiyev", "hajiyev"), in their order. */
export function uniqueIgnoringCase(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
