import { z } from "zod";
import { idField } from "../http/fields.js";

/** At most this many ids in one narrowing list (a URL must stay a URL). */
export const SCOPE_IDS_MAX = 1000;

/**
 * A list of ids, as `annotators=3,5` or repeated `annotators=3&annotators=5`; empty means all.
 * Ids are checked like every other id, so a typo gets a message, not a silently wider scope.
 */
function idList(what: string) {
  return z.preprocess(
    (raw) => {
      const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) =>
        typeof value === "string" ? value.split(",") : value === undefined ? [] : [value],
      );
      const ids = parts
        .map((part) => (typeof part === "string" ? part.trim() : part))
        .filter((part) => part !== "");
      return ids.length ? ids : undefined;
    },
    z
      .array(idField(`Each of ${what}`))
      .max(SCOPE_IDS_MAX, { message: `Choose at most ${SCOPE_IDS_MAX} ${what}.` })
      .optional(),
  );
}

export const agreementScopeInput = z.object({
  annotators: idList("annotators"),
  articles: idList("articles"),
});

export const agreementTables = ["pairs", "fields", "confusion", "articles"] as const;
export const agreementTableInput = z.object({
  table: z.enum(agreementTables, { message: `table must be one of ${agreementTables.join(", ")}.` }),
});
