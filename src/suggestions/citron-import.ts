// Suggestions from a Citron document (a model's output, docs/export.md): each quote's contents
// become suggestions with its cue, first source as the speaker mention and the speaker named by
// its coreference (or the source). Every span's text must be the body's text at its offsets.
import { z } from "zod";
import { InvalidError, type FieldProblem } from "../errors.js";
import { CodePointIndex } from "../text/code-points.js";
import { beginsWithQuotationMark } from "../text/quote-marks.js";
import type { ExternalSuggestionInput } from "./suggestions.schema.js";
import { hasVisibleCharacter, visibleText } from "../http/fields.js";

const offset = z
  .number({ message: "start and end must be whole numbers of code points." })
  .int()
  .min(0)
  .max(2_147_483_647);
const citronSpan = z.object({ start: offset, end: offset, text: z.string().max(100_000) });

export const citronImportInput = z.object({
  source: visibleText("source", 100, "Name the source of the suggestions (the model), for example citron."),
  replace: z.boolean({ message: "replace must be true or false." }).optional(),
  document: z.object({
    text: z.string().optional(),
    quotes: z.array(
      z.object({
        cue: citronSpan,
        sources: z.array(citronSpan).max(20).default([]),
        contents: z.array(citronSpan).min(1, { message: "A quote needs at least one content span." }).max(50),
        coreferences: z.array(citronSpan).max(20).optional(),
        confidence: z.number().min(0).max(1).optional(),
      }),
      { message: "document.quotes must be Citron quotes ({ cue, sources, contents })." },
    ),
    // The suggestions they make (quotes × contents) are counted before validation: 413 past
    // SUGGESTIONS_PER_REQUEST_MAX (suggestionsInCitron, suggestions.schema.ts).
  }),
});
export type CitronImport = z.output<typeof citronImportInput>;

/**
 * The suggestions a Citron request body would make (the contents of all its quotes), counted
 * before it is validated: a cheap look at the shape, no more (validation comes after).
 */
export function suggestionsInCitron(body: unknown): number {
  const quotes = (body as { document?: { quotes?: unknown } } | undefined)?.document?.quotes;
  if (!Array.isArray(quotes)) return 0;
  let count = 0;
  for (const quote of quotes) {
    const contents = (quote as { contents?: unknown } | null)?.contents;
    count += Array.isArray(contents) ? contents.length : 1;
  }
  return count;
}

/** A speaker's name as a claim takes it (speakerRefInput): longer spans stay the mention alone. */
const NAME_MAX = 200;

function nameFrom(text: string | undefined): string | null {
  const name = text?.normalize("NFC").trim();
  return name && name.length <= NAME_MAX && hasVisibleCharacter(name) ? name : null;
}

type Span = z.output<typeof citronSpan>;

const ENDS_WITH_MARK = /["“”„«»'’]\s*$/u;

function typeOf(text: string): ExternalSuggestionInput["type"] {
  if (beginsWithQuotationMark(text) && ENDS_WITH_MARK.test(text)) return "direct";
  return /["“”„«»]/u.test(text) ? "mixed" : "indirect";
}

/** The suggestions a Citron document makes of an article body, after checking every span against it. */
export function suggestionsFromCitron(body: string, input: CitronImport): ExternalSuggestionInput[] {
  const index = new CodePointIndex(body);
  const problems: FieldProblem[] = [];
  const check = (span: Span, field: string) => {
    if (span.end <= span.start || span.end > index.length) {
      problems.push({
        field,
        message: `${field}: ${span.start}..${span.end} is not a span of the article (${index.length} code points).`,
      });
    } else if (index.slice(span.start, span.end) !== span.text) {
      problems.push({
        field,
        message: `${field}: the article's text at ${span.start}..${span.end} is "${index.slice(span.start, span.end).slice(0, 60)}", not "${span.text.slice(0, 60)}". Offsets count code points.`,
      });
    }
  };
  const suggestions: ExternalSuggestionInput[] = [];
  input.document.quotes.forEach((quote, q) => {
    const at = `document.quotes.${q}`;
    check(quote.cue, `${at}.cue`);
    quote.sources.forEach((span, i) => check(span, `${at}.sources.${i}`));
    quote.coreferences?.forEach((span, i) => check(span, `${at}.coreferences.${i}`));
    quote.contents.forEach((span, i) => check(span, `${at}.contents.${i}`));
    const source = quote.sources[0];
    const name = nameFrom(quote.coreferences?.[0]?.text ?? source?.text);
    for (const content of quote.contents) {
      suggestions.push({
        start: content.start,
        end: content.end,
        quote: content.text,
        type: typeOf(content.text),
        speaker: name ? { name } : null,
        speakerMention: source ? { start: source.start, end: source.end } : null,
        cue: { start: quote.cue.start, end: quote.cue.end },
        confidence: quote.confidence,
      });
    }
  });
  if (problems.length) throw new InvalidError(problems.slice(0, 50));
  return suggestions;
}
