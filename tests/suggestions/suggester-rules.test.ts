// The suggester's rules for the failure classes of issue 19, one behaviour per test, on sentences
// that are not in the evaluation sets.
import { describe, expect, it } from "vitest";
import { suggestAttributions, type Suggestion } from "../../src/suggestions/suggest.js";

const speakerName = (suggestion: Suggestion | undefined) =>
  suggestion?.speaker && "name" in suggestion.speaker ? suggestion.speaker.name : null;
const brief = (text: string) =>
  suggestAttributions(text).map((item) => ({
    quote: item.quote,
    cue: item.cue?.text ?? null,
    mention: item.speakerMention?.text ?? null,
    speaker: speakerName(item),
    type: item.type,
  }));

describe("the suggester's rules", () => {
  it("starts the content after “that” when words come between the cue and it", () => {
    expect(brief("The airport said in an email late on Monday that the runway was closed.")).toEqual([
      {
        quote: "the runway was closed",
        cue: "said",
        mention: "The airport",
        speaker: "airport",
        type: "indirect",
      },
    ]);
    expect(brief("Brokers said last week that gold would keep rising.")[0]?.quote).toBe(
      "gold would keep rising",
    );
    expect(brief("She said on Tuesday the clinic would stay open.")[0]?.quote).toBe(
      "the clinic would stay open",
    );
  });

  it("reads cues in any tense and verbs it has no list for, by their part-of-speech tags", () => {
    const [argued] = brief("Economists had warned for years that the bubble would burst.");
    expect(argued).toMatchObject({ quote: "the bubble would burst", cue: "warned", mention: "Economists" });
    const [expected] = brief("The governor is expected to announce that schools will reopen.");
    expect(expected).toMatchObject({
      quote: "schools will reopen",
      cue: "announce",
      mention: "The governor",
    });
    expect(brief("The union has been warning for months that jobs would go.")[0]).toMatchObject({
      quote: "jobs would go",
      cue: "warning",
      mention: "The union",
    });
    const [slumped] = brief("Car sales plunged in April, the industry body said.");
    expect(slumped).toMatchObject({ quote: "Car sales plunged in April", mention: "the industry body" });
  });

  it("attributes a quotation ending in ? or ! to the speaker named after it", () => {
    expect(brief("“Who will pay for the repairs?” Ines Moreau asked.")).toEqual([
      {
        quote: "“Who will pay for the repairs?”",
        cue: "asked",
        mention: "Ines Moreau",
        speaker: "Ines Moreau",
        type: "direct",
      },
    ]);
    expect(brief("“Never again!” shouted Karl Brandt, a farmer.")[0]).toMatchObject({
      cue: "shouted",
      speaker: "Karl Brandt",
    });
  });

  it("takes the verb before a colon and a quotation as the cue, and a headline's name or role and colon", () => {
    expect(brief("Noor Rahimi recalled the first night: “We slept in the car.”")[0]).toMatchObject({
      quote: "“We slept in the car.”",
      cue: "recalled",
      speaker: "Noor Rahimi",
    });
    const headline = brief(
      "Governor: ‘The roads will be cleared by Friday’\n\nGovernor Tom Reed spoke after a night of snow.",
    );
    expect(headline[0]).toMatchObject({
      quote: "‘The roads will be cleared by Friday’",
      cue: ":",
      mention: "Governor",
      speaker: "Tom Reed",
      type: "direct",
    });
    expect(brief("Floods cut off three villages, Red Cross says")[0]).toMatchObject({
      quote: "Floods cut off three villages",
      cue: "says",
    });
  });

  it("goes on with a speaker's quotation over paragraphs that open with a quotation mark", () => {
    const text =
      "“The school roof leaks,” said Anna Ferreira, a teacher.\n\n“Last winter we taught in coats.\n\n“The children deserve better.”";
    const found = brief(text);
    expect(found.map((item) => [item.quote, item.speaker])).toEqual([
      ["“The school roof leaks,”", "Anna Ferreira"],
      ["“Last winter we taught in coats.", "Anna Ferreira"],
      ["“The children deserve better.”", "Anna Ferreira"],
    ]);
  });

  it("makes two claims of “said A but insisted B” and of “…, adding that B”", () => {
    expect(
      brief("Jonas Berg said the plan was costly but insisted that it was necessary.").map((item) => [
        item.quote,
        item.cue,
        item.speaker,
      ]),
    ).toEqual([
      ["the plan was costly", "said", "Jonas Berg"],
      ["it was necessary", "insisted", "Jonas Berg"],
    ]);
    expect(
      brief("The club said two players were injured, adding that both would miss the final.").map((item) => [
        item.quote,
        item.cue,
      ]),
    ).toEqual([
      ["two players were injured", "said"],
      ["both would miss the final", "adding"],
    ]);
  });

  it("keeps wire datelines and trailing participial phrases out of the content", () => {
    expect(
      brief("CAIRO (Reuters) - Bread prices will rise next month, the supply ministry said.")[0]?.quote,
    ).toBe("Bread prices will rise next month");
    expect(brief("The army said the town had been retaken, ending a two-week siege.")[0]?.quote).toBe(
      "the town had been retaken",
    );
  });

  it("makes no claim of “according to schedule”, goals added or stories told", () => {
    expect(brief("The vote took place according to schedule.")).toEqual([]);
    expect(brief("Mbappé added a fourth in the 90th minute.")).toEqual([]);
    expect(brief("The play tells the story of a miner's widow.")).toEqual([]);
    expect(brief("The goalkeeper was admitted to hospital after the match.")).toEqual([]);
    expect(brief("Villagers asked for blankets and clean water.")).toEqual([]);
    expect(brief("The referee was told to stop the game.")).toEqual([]);
  });

  it("leaves titles, honorifics and descriptions out of the speaker's name, and no honorific as a role", () => {
    const speakers = suggestAttributions(
      "Dutch MEP Sanne de Wit said the vote was close. Dr. Kwame Mensah said the ward was full. Ruth Olsen KC said the appeal would fail. Baker Lise Dahl said flour had doubled in price.",
    ).map((item) => item.speaker);
    expect(speakers).toEqual([
      { name: "Sanne de Wit", role: "Dutch MEP" },
      { name: "Kwame Mensah" },
      { name: "Ruth Olsen", role: "KC" },
      { name: "Lise Dahl", role: "Baker" },
    ]);
    expect(brief("Health minister Varga said the ward would close.")[0]).toMatchObject({
      mention: "Health minister Varga",
      speaker: "Varga",
    });
  });

  it("resolves “Mr”/“Ms” to the full name, pronouns by gender, and never to a place", () => {
    const text =
      "Ingrid Solberg and her colleague Peter Aas flew to Bergen. Ms Solberg said the deal was done. Mr Aas said the price was fair. She said talks would go on. The Port Authority sent a team to Narvik. It said the quay would reopen.";
    expect(suggestAttributions(text).map(speakerName)).toEqual([
      "Ingrid Solberg",
      "Peter Aas",
      "Ingrid Solberg",
      "Port Authority",
    ]);
  });

  it("resolves a pronoun that opens a sentence to the subject before, and “they” to a group, not a city", () => {
    const text =
      "Lotte Brink toured the site with the engineer, Bram Vos. She said the work was on time. Angry tenants blocked the road to Utrecht. They said the rent rise was unfair.";
    expect(suggestAttributions(text).map(speakerName)).toEqual(["Lotte Brink", "Angry tenants"]);
  });

  it("links an acronym to the organisation named in full, and “the 31-year-old” to the person before", () => {
    const text =
      "The Central Bureau of Statistics published its figures on Monday. Prices rose 2 percent in May, the CBS said. Striker Ivo Petrov scored twice. “It was my best game,” the 31-year-old said.";
    expect(suggestAttributions(text).map(speakerName)).toEqual([
      "Central Bureau of Statistics",
      "Ivo Petrov",
    ]);
  });

  it("finds the subject before a clause joined by “but” to the cue (“X, the coach, praised A but warned that B”)", () => {
    expect(
      brief("Its coach, Mia Lund, praised the players but warned that the league was far from won.")[0],
    ).toMatchObject({ quote: "the league was far from won", cue: "warned", speaker: "Mia Lund" });
  });

  it("resolves “the Nigerian” and “the 40-year-old” to the person just named, and “The Guardian” to no one", () => {
    const text =
      "Chidi Okeke, 40, opened the gallery in 2015. The Nigerian said the city had changed. The 40-year-old added that rents had tripled.";
    expect(suggestAttributions(text).map(speakerName)).toEqual(["Chidi Okeke", "Chidi Okeke"]);
    const far = `Chidi Okeke opened the gallery in 2015. ${"The rooms were quiet. ".repeat(20)}The Guardian said the gallery would close.`;
    expect(suggestAttributions(far).map(speakerName)).not.toContain("Chidi Okeke");
  });
});
