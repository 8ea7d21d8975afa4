// Part-of-speech tags for the suggester's rules, from wink-nlp's English model (MIT, shipped
// inside its npm package, no network). The model is loaded once, on first use. Tokens are mapped
// back to UTF-16 offsets in the original text, so the rules keep working on the product's own
// sentences and offsets; only what is a verb and where a clause starts is read from the tags.
import winkNLP, { type ItsFunction } from "wink-nlp";
import model from "wink-eng-lite-web-model";

export interface Token {
  start: number;
  end: number;
  /** The token as written. */
  text: string;
  /** Universal POS tag: VERB, AUX, SCONJ, PROPN, NOUN, ADP, PUNCT, … */
  pos: string;
  lemma: string;
}

let nlp: ReturnType<typeof winkNLP> | null = null;

function tagger() {
  // Only the tagger: sentence boundaries, negation, sentiment and entity recognition are not needed here.
  nlp ??= winkNLP(model, ["pos"]);
  return nlp;
}

/** Every token of the text, in order, with its offsets, tag and lemma. */
export function tagText(text: string): Token[] {
  if (text.trim() === "") return [];
  const nlp = tagger();
  const doc = nlp.readDoc(text);
  const words = doc.tokens().out();
  const tags = doc.tokens().out(nlp.its.pos);
  // The typings give the lemma function an extra parameter that `out` does not pass; it works as documented.
  const lemmas = doc.tokens().out(nlp.its.lemma as unknown as ItsFunction<string>);
  const tokens: Token[] = [];
  let at = 0;
  for (const [index, word] of words.entries()) {
    const found = text.indexOf(word, at);
    // wink expands a few contractions ("n't" → "not"): such a token keeps the place it was read at.
    if (found === -1 || found - at > 40) continue;
    tokens.push({
      start: found,
      end: found + word.length,
      text: word,
      pos: tags[index] ?? "X",
      lemma: (lemmas[index] ?? word).toLowerCase(),
    });
    at = found + word.length;
  }
  return tokens;
}

/**
 * The tagger reads "bin" in "Tariq bin Hamdan" or "Will" in "Will Ode" as verbs: inside a
 * person's name every word is part of the name.
 */
export function asProperNouns(tokens: Token[], spans: { start: number; end: number }[]): Token[] {
  let span = 0;
  return tokens.map((token) => {
    while (span < spans.length && spans[span]!.end <= token.start) span += 1;
    const inside = spans[span] && spans[span]!.start <= token.start && token.end <= spans[span]!.end;
    return inside && token.pos !== "PROPN" && token.pos !== "PUNCT" ? { ...token, pos: "PROPN" } : token;
  });
}

/** Tokens of a text, found by offset. */
export class Tagged {
  constructor(readonly tokens: Token[]) {}

  /** Index of the first token that ends after `at`. */
  private indexAt(at: number): number {
    let low = 0;
    let high = this.tokens.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.tokens[middle]!.end <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The tokens inside [from, to). */
  within(from: number, to: number): Token[] {
    const out: Token[] = [];
    for (let i = this.indexAt(from); i < this.tokens.length && this.tokens[i]!.start < to; i += 1) {
      if (this.tokens[i]!.start >= from) out.push(this.tokens[i]!);
    }
    return out;
  }

  /** The token that starts at `at`, if any. */
  startingAt(at: number): Token | undefined {
    const token = this.tokens[this.indexAt(at)];
    return token?.start === at ? token : undefined;
  }

  /** The token covering `at`, if any. */
  at(at: number): Token | undefined {
    const token = this.tokens[this.indexAt(at)];
    return token && token.start <= at ? token : undefined;
  }
}

export const isVerb = (token: Token | undefined) => token?.pos === "VERB" || token?.pos === "AUX";
