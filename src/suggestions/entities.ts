// Who a speaker phrase refers to: the people and bodies of the article, in the order the text
// mentions them, so that "Doe", "she", "the minister" and "the ministry" find the person or body
// meant. Deliberately simple rules, measured on the evaluation set (tests/suggestions).
import { BODY_HEADS, PERSON_ROLES, PRONOUNS, SAME_BODY } from "./lexicon.js";
import type { NameMention } from "./names.js";
import { singularOf, type SpeakerPhrase } from "./phrases.js";

export interface Entity {
  name: string;
  kind: "person" | "body" | "plural";
  /** Head word of a role entity ("ministry"), to find it again. */
  head?: string;
  /** Role or affiliation the text gives ("Assistant to the President"). */
  role?: string;
  /** Words around its first mention, lower case: where "the president's assistant" is looked for. */
  context: string;
  /** Known only through a role phrase, with no name. */
  unnamed: boolean;
}

/** Heads that mean "the organisation just named" ("Helix Robotics …, the company said"). */
const GENERIC_BODIES = new Set([
  "company",
  "firm",
  "group",
  "carrier",
  "business",
  "manufacturer",
  "organisation",
  "organization",
]);
const LEADING = /^(?:the|a|an|its|his|her|their|our|two|three|four|five|several|some|many|one)\s+/i;

const singular = singularOf;

/** The words of a role phrase before its head, lower case ("health" in "the health ministry"). */
function modifiers(phrase: string, head: string): string[] {
  const list: string[] =
    phrase
      .toLowerCase()
      .replace(LEADING, "")
      .match(/[\p{L}-]+/gu) ?? [];
  return list.slice(0, Math.max(0, list.indexOf(head)));
}

export class Entities {
  private readonly byName = new Map<string, Entity>();
  /** Mentions in text order: where each entity was seen. */
  private readonly seen: { at: number; entity: Entity }[] = [];

  constructor(
    private readonly text: string,
    names: NameMention[],
  ) {
    for (const mention of names) {
      const entity = this.named(mention);
      this.seen.push({ at: mention.start, entity });
    }
  }

  private named(mention: NameMention): Entity {
    const known = this.byName.get(mention.entity);
    if (known) return known;
    const before = this.text.slice(Math.max(0, mention.start - 140), mention.start);
    const after = this.text.slice(mention.end, mention.end + 80).split(/[.;]/)[0] ?? "";
    const entity: Entity = {
      name: mention.entity,
      kind: mention.kind === "person" ? "person" : "body",
      role: mention.title || undefined,
      context: `${before} ${mention.title} ${after}`.toLowerCase(),
      unnamed: false,
    };
    this.byName.set(mention.entity, entity);
    return entity;
  }

  /** The entity a speaker phrase at its place in the text refers to (null: unresolved pronoun). */
  resolve(phrase: SpeakerPhrase): Entity | null {
    const entity = this.find(phrase);
    if (entity) {
      if (phrase.role && !entity.role) entity.role = phrase.role;
      if (phrase.role) entity.context += ` ${phrase.role.toLowerCase()}`;
      // Kept in text order: phrases are resolved in order, names were all added first.
      let at = this.seen.length;
      while (at > 0 && this.seen[at - 1]!.at > phrase.start) at -= 1;
      this.seen.splice(at, 0, { at: phrase.start, entity });
    }
    return entity;
  }

  private find(phrase: SpeakerPhrase): Entity | null {
    if (phrase.kind === "name") return this.named(phrase.name!);
    const words = this.text.slice(phrase.start, phrase.end);
    if (phrase.kind === "pronoun") {
      const wanted = PRONOUNS[words.toLowerCase()] ?? "plural";
      return this.latest(phrase.start, (entity) =>
        wanted === "person"
          ? entity.kind === "person"
          : wanted === "plural"
            ? entity.kind !== "person"
            : entity.kind === "body",
      );
    }
    const head = SAME_BODY[phrase.head!] ?? phrase.head!;
    // "the ministry" is the health ministry named before; "the weather service" is not the emergency services.
    const own = modifiers(words, phrase.head!);
    const sameHead = this.latest(
      phrase.start,
      (entity) =>
        entity.head !== undefined &&
        singular(entity.head) === singular(head) &&
        own.every((word) => entity.name.toLowerCase().includes(word)),
    );
    if (sameHead) return sameHead;
    if (GENERIC_BODIES.has(head)) {
      const body = this.latest(phrase.start, (entity) => entity.kind === "body" && !entity.unnamed);
      if (body) return body;
    }
    if (/^the\b/i.test(words) && PERSON_ROLES.has(head)) {
      const holder = this.latest(
        phrase.start,
        (entity) =>
          entity.kind === "person" && !entity.unnamed && new RegExp(`\\b${head}\\b`).test(entity.context),
      );
      if (holder) return holder;
    }
    const name = words.replace(/[’']s\b/, "’s").replace(LEADING, "");
    const kind =
      BODY_HEADS.has(head) || BODY_HEADS.has(singular(head))
        ? "body"
        : (/s$/.test(head) && !PERSON_ROLES.has(head)) || head === "people"
          ? "plural"
          : "person";
    const entity: Entity = { name, kind, head, context: words.toLowerCase(), unnamed: true };
    return entity;
  }

  /** The entity seen last before `at` that passes `test`. */
  private latest(at: number, test: (entity: Entity) => boolean): Entity | null {
    for (let i = this.seen.length - 1; i >= 0; i -= 1) {
      const { at: seenAt, entity } = this.seen[i]!;
      if (seenAt < at && test(entity)) return entity;
    }
    return null;
  }
}
