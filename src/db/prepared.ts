import { createHash } from "node:crypto";

/**
 * SQL that starts with this comment is prepared once per connection and its plan reused (on a
 * Postgres server): for the few statements that run on every save, whose planning would otherwise
 * cost as much as running them. Everything else stays unnamed, so that statements whose text
 * varies (lists of ids) do not pile up on the connections.
 */
export const PREPARED = "/* prepared */";

/**
 * The prepared statement's name for such SQL (one per distinct text); "" for any other, which pg
 * sends as an unnamed statement, planned each time.
 */
export function preparedStatementName(query: { sql: string }): string {
  if (!query.sql.startsWith(PREPARED)) return "";
  return `claimant_${createHash("sha1").update(query.sql).digest("hex").slice(0, 20)}`;
}
