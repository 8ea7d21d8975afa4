import type { ClaimFilters } from "../claims/claims.filters.js";

/** Words for a file name: ASCII letters and digits joined by hyphens, accents dropped ("Zoë" -> "zoe"). */
export function fileNameWords(text: string, maxLength = 40): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
}

function range(label: string, from: string | undefined, to: string | undefined): string | undefined {
  if (!from && !to) return undefined;
  return `${label}${from ?? ""}_${to ?? ""}`;
}

/**
 * The name of a downloaded export, saying what it holds, so that a folder of downloads explains
 * itself: claims-<project>-speaker-<name>-favor-2020-11-01_2020-11-30-exported-2026-11-26.csv.
 * Names with no Latin letters or digits fall back to ids. A variant of the same format (the CSV
 * for Excel) ends in its own word, so that both downloads of one filter keep apart in a folder:
 * …-exported-2026-11-26.csv and …-exported-2026-11-26-excel.csv.
 */
export function exportFileName(
  what: "claims" | "articles",
  extension: string,
  filters: ClaimFilters,
  context: { projectName?: string; today: Date; variant?: "excel" },
): string {
  const project = filters.project
    ? fileNameWords(context.projectName ?? "") || `project-${filters.project}`
    : undefined;
  const speaker = filters.speaker ? `speaker-${fileNameWords(filters.speaker, 30) || "id"}` : undefined;
  const parts = [
    what,
    filters.layer === "gold" ? "gold" : undefined,
    project,
    filters.article ? `article-${filters.article}` : undefined,
    speaker,
    filters.stance ? fileNameWords(filters.stance, 20) : undefined,
    filters.target ? `about-${fileNameWords(filters.target, 30)}` : undefined,
    filters.type,
    filters.annotator ? `annotator-${filters.annotator}` : undefined,
    range("", filters.from, filters.to),
    range("claimed-", filters.claimFrom, filters.claimTo),
    filters.q ? `words-${fileNameWords(filters.q, 30)}` : undefined,
    `exported-${context.today.toISOString().slice(0, 10)}`,
    context.variant,
  ];
  return `${parts.filter((part) => part && !/-$/.test(part)).join("-")}.${extension}`;
}
