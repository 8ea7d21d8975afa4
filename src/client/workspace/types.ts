// The workspace's data: one definition with the server (src/articles/workspace.present.ts,
// src/claims/claims.present.ts, src/claims/claims.schema.ts), imported as types only.
import type { z } from "zod";
import type { PageClaim, WorkspaceData } from "../../articles/workspace.present.js";
import type { ClaimJson } from "../../claims/claims.present.js";
import type { createClaimInput, updateClaimInput } from "../../claims/claims.schema.js";
import type { Span } from "../../text/sentence-snap.js";

export type { ClaimJson, PageClaim, Span, WorkspaceData };

/** A claim as the page holds it, from the page data or the API: the quote is cut from the body. */
export type WorkspaceClaim = PageClaim & { quote: string };

export type Stance = WorkspaceData["stances"][number];
export type Target = WorkspaceData["targets"][number];
export type ClaimType = ClaimJson["type"];
export type Speaker = NonNullable<ClaimJson["speaker"]>;

/** What POST /api/v1/articles/:id/claims and PATCH /api/v1/claims/:id accept. */
export type NewClaimBody = z.input<typeof createClaimInput>;
export type ClaimPatchBody = z.input<typeof updateClaimInput>;

/** The spans the form picks from the text besides the quote. */
export type SpanKey = "speakerMention" | "cue";
export const SPAN_KEYS: readonly SpanKey[] = ["speakerMention", "cue"];
