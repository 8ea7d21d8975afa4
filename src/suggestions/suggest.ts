// Claimant's built-in attribution suggester: the claims an article makes, each with its type,
// cue, speaker mention and speaker, in the claim shape of docs/api.md (code-point offsets).
// Offline and deterministic: rules over the text (attributions.ts) that read what is a verb and
// where a clause starts from part-of-speech tags (pos.ts: wink-nlp's English model, shipped in
// its npm package, loaded once on first use; no network).
import { CodePointIndex } from "../text/code-points.js";
import { cueVocabulary, findAttributions, type Attribution, type CueVocabulary } from "./attributions.js";
import { foldName } from "./fold-name.js";
import { tagText } from "./pos.js";
import { NO_EVIDENCE, type ProjectEvidence } from "./project-evidence.js";
import type { SuggestedSpan, Suggestion } from "./suggestion.types.js";

export type { SuggestedSpan, Suggestion };

export interface RegistrySpeaker {
  id: number;
  name: string;
  aliases: string[];
}

export { foldName };

interface RegistryIndex {
  byName: Map<string, RegistrySpeaker>;
  /** A surname borne by one registry speaker only ("tull" for Gary Tull); null when by several. */
  bySurname: Map<string, RegistrySpeaker | null>;
}

function registryIndex(registry: readonly RegistrySpeaker[]): RegistryIndex {
  const byName = new Map<string, RegistrySpeaker>();
  const bySurname = new Map<string, RegistrySpeaker | null>();
  for (const speaker of registry) {
    for (const name of [speaker.name, ...speaker.aliases]) {
      if (!byName.has(foldName(name))) byName.set(foldName(name), speaker);
    }
    const words = foldName(speaker.name).split(" ");
    const surname = words[words.length - 1]!;
    // A person's surname, or a body's head ("the council" for the one "Fenmouth Borough Council").
    if (words.length > 1) bySurname.set(surname, bySurname.has(surname) ? null : speaker);
  }
  return { byName, bySurname };
}

function speakerOf(attribution: Attribution): Suggestion["speaker"] {
  const entity = attribution.entity;
  if (!entity) return null;
  return entity.role ? { name: entity.name, role: entity.role } : { name: entity.name };
}

/**
 * Speakers named as a registry speaker become that speaker: by name or alias (case, accents and
 * spacing ignored), or, for one word ("Tull", as sports pages write), by the surname only one
 * registry speaker has.
 */
export function withRegistry(suggestions: Suggestion[], registry: readonly RegistrySpeaker[]): Suggestion[] {
  if (registry.length === 0) return suggestions;
  const index = registryIndex(registry);
  return suggestions.map((suggestion) => {
    const speaker = suggestion.speaker;
    if (!speaker || !("name" in speaker)) return suggestion;
    const folded = foldName(speaker.name);
    const known =
      index.byName.get(folded) ?? (folded.includes(" ") ? undefined : index.bySurname.get(folded));
    return known ? { ...suggestion, speaker: { id: known.id } } : suggestion;
  });
}

const vocabularies = new Map<string, CueVocabulary>();

/**
 * The lexicon with a project's confirmed cue words: as written, and a single word's lemma as the
 * tagger reads it in "They fumed that", so that other tenses count too ("has fumed", "fumes").
 */
export function learnedCues(words: readonly string[]): CueVocabulary {
  const key = words.join("\n");
  let vocabulary = vocabularies.get(key);
  if (!vocabulary) {
    const lemmas = words.flatMap((word) => {
      if (word.includes(" ")) return [];
      const verb = tagText(`They ${word} that`)[1];
      return verb?.pos === "VERB" && verb.text.toLowerCase() === word ? [verb.lemma] : [];
    });
    vocabulary = cueVocabulary({ words, lemmas });
    // Pure and small; bounded so that many projects cannot grow it.
    if (vocabularies.size >= 64) vocabularies.clear();
    vocabularies.set(key, vocabulary);
  }
  return vocabulary;
}

/**
 * A mention the project has confirmed as one speaker ("the harbourmaster", "Cllr Aldous", "Dusty
 * Miller") names that speaker: people confirmed it, which outweighs what the rules make of it.
 */
export function withLearnedMentions(
  suggestions: Suggestion[],
  mentions: ProjectEvidence["mentions"],
): Suggestion[] {
  if (mentions.size === 0) return suggestions;
  return suggestions.map((suggestion) => {
    const mention = suggestion.speakerMention ? foldName(suggestion.speakerMention.text) : "";
    const id = mentions.get(mention);
    return id === undefined ? suggestion : { ...suggestion, speaker: { id } };
  });
}

export function suggestAttributions(
  body: string,
  registry: RegistrySpeaker[] = [],
  evidence: ProjectEvidence = NO_EVIDENCE,
): Suggestion[] {
  const index = new CodePointIndex(body);
  const points = (utf16: number) => index.toCodePoint(utf16);
  const span = (range: { start: number; end: number } | null | undefined): SuggestedSpan | null =>
    range
      ? { start: points(range.start), end: points(range.end), text: body.slice(range.start, range.end) }
      : null;
  const found = findAttributions(body, learnedCues(evidence.cueWords)).map((attribution) => ({
    start: points(attribution.start),
    end: points(attribution.end),
    quote: body.slice(attribution.start, attribution.end),
    type: attribution.type,
    cue: span(attribution.cue),
    speakerMention: span(attribution.phrase),
    speaker: speakerOf(attribution),
    confidence: Math.round(Math.max(0.1, attribution.confidence) * 100) / 100,
  }));
  return withLearnedMentions(withRegistry(found, registry), evidence.mentions);
}
