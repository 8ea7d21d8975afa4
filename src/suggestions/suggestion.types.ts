// The shape of a suggestion, shared by the server and the workspace's script (no Node here).

export interface SuggestedSpan {
  start: number;
  end: number;
  text: string;
}

/** A suggested claim in the claim shape of docs/api.md (code-point offsets). */
export interface Suggestion {
  start: number;
  end: number;
  quote: string;
  /** The built-in suggester gives direct, indirect or mixed; external ones may say outlet. */
  type: "direct" | "indirect" | "mixed" | "outlet";
  cue: SuggestedSpan | null;
  speakerMention: SuggestedSpan | null;
  /** A registry speaker by id, or a new one by name: the claim shape's speaker (docs/api.md). */
  speaker: { id: number } | { name: string; role?: string; affiliation?: string } | null;
  /** The project's target the claim's words name, when they name exactly one (target-proposal.ts). */
  target?: string;
  confidence: number;
}

/** A suggestion as the API and the workspace list them. */
export interface ArticleSuggestion extends Suggestion {
  /** Stable per suggestion: builtin:<start>-<end> or external:<id>. */
  key: string;
  /** "built-in", or the source an external suggestion was stored with. */
  source: string;
  /** The speaker's name as people read it (the registry's, for a speaker given by id). */
  speakerName: string | null;
}
