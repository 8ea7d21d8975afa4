// What a project's confirmed claims teach the suggester: the cue words its annotators keep marking
// that the lexicon does not know ("fumed", "quipped", "hit back"), and the short forms and
// descriptions its sources go by ("Cllr Aldous", "the harbourmaster"). Confirmed means saved by a
// person: a curated (gold) claim, or a claim the user saved, from a suggestion or not. Pure: the
// service reads the confirmations (suggestions.service.ts), the suggester applies what is learned.
import { CUE_VERBS, PRONOUNS } from "./lexicon.js";
import { foldName } from "./fold-name.js";

export interface ConfirmedClaim {
  /** The claim's cue as written, if it has one. */
  cue: string | null;
  /** The words naming the speaker, if marked. */
  mention: string | null;
  speakerId: number | null;
}

export interface ProjectEvidence {
  /** Cue words and phrases (lower case) confirmed often enough, that the lexicon lacks. */
  cueWords: string[];
  /** Folded mention → the one speaker it has been confirmed as. */
  mentions: Map<string, number>;
}

/** A cue or a mention counts once it has been confirmed this many times: one could be a slip. */
export const CONFIRMATIONS_NEEDED = 2;
/** A mention confirmed as several speakers names the most frequent only when it has this share. */
const MENTION_MAJORITY = 0.8;

export const NO_EVIDENCE: ProjectEvidence = { cueWords: [], mentions: new Map() };

const KNOWN_CUES = new Set([...CUE_VERBS, "according to"]);
/** One to three words of letters (apostrophes and hyphens inside): a cue, not a stretch of text. */
const CUE_SHAPE = /^\p{L}+(?:['’-]\p{L}+)*(?: \p{L}+(?:['’-]\p{L}+)*){0,2}$/u;

export function learnFrom(claims: Iterable<ConfirmedClaim>): ProjectEvidence {
  const cueCounts = new Map<string, number>();
  const mentionCounts = new Map<string, Map<number, number>>();
  for (const claim of claims) {
    const cue = claim.cue?.toLowerCase().replace(/\s+/g, " ").trim();
    if (cue && CUE_SHAPE.test(cue) && !KNOWN_CUES.has(cue)) cueCounts.set(cue, (cueCounts.get(cue) ?? 0) + 1);
    const mention = claim.mention ? foldName(claim.mention) : "";
    if (claim.speakerId === null || !mention || mention.length > 80 || mention in PRONOUNS) continue;
    // "one resident", "a stallholder", "two traders": a different person every time.
    if (/^(?:a|an|one|two|three|some|several|many|another)\s/.test(mention)) continue;
    const bySpeaker = mentionCounts.get(mention) ?? new Map<number, number>();
    bySpeaker.set(claim.speakerId, (bySpeaker.get(claim.speakerId) ?? 0) + 1);
    mentionCounts.set(mention, bySpeaker);
  }
  const cueWords = [...cueCounts]
    .filter(([, count]) => count >= CONFIRMATIONS_NEEDED)
    .map(([cue]) => cue)
    .sort();
  const mentions = new Map<string, number>();
  for (const [mention, bySpeaker] of mentionCounts) {
    const total = [...bySpeaker.values()].reduce((sum, count) => sum + count, 0);
    const [speakerId, count] = [...bySpeaker].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    if (count >= CONFIRMATIONS_NEEDED && count / total >= MENTION_MAJORITY) mentions.set(mention, speakerId);
  }
  return { cueWords, mentions };
}
