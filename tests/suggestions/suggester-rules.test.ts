// The suggester's rules for the failure classes of issue 19, one behaviour per test, on sentences
// that are not in the evaluation sets.
import { describe, expect, it } from "vitest";
import { learnFrom } from "../../src/suggestions/project-evidence.js";
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

  it("takes the verb before a colon and a quotation as the cue, and a headline's name or role and colon (no cue)", () => {
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
      cue: null,
      mention: "Governor",
      speaker: "Tom Reed",
      type: "direct",
    });
    // A headline that states its source's claim, after a colon or before a dash, without quotation
    // marks, when the story reports the same claim.
    expect(
      brief(
        "Hikmat Hajiyev: Baku is ready to host the next round of talks\n\nBAKU, Nov. 14. Hikmat Hajiyev said Baku is ready to host the next round of talks on transport.",
      )[0],
    ).toMatchObject({
      quote: "Baku is ready to host the next round of talks",
      cue: null,
      mention: "Hikmat Hajiyev",
      type: "indirect",
    });
    expect(
      brief(
        "Uzbekistan plans to launch a nuclear unit by 2033 - minister\n\nUzbekistan plans to launch its first nuclear unit by 2033, Energy Minister Jamshid Rahimov said.",
      )[0],
    ).toMatchObject({
      quote: "Uzbekistan plans to launch a nuclear unit by 2033",
      cue: null,
      mention: "minister",
    });
    // A headline the story does not report as anyone's claim is news, not a claim.
    expect(
      brief(
        "Tour de France: Tamm takes yellow as favourites hesitate\n\nKristjan Tamm rode away on the last climb.",
      ),
    ).toEqual([]);
    // Not a headline: a line that ends in a full stop, or a later paragraph.
    expect(brief("Results: prices rose in May.")).toEqual([]);
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
      mention: "Varga",
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

describe("British quotation style, titles and names", () => {
  it("reads single quotation marks as quotations, and apostrophes as apostrophes", () => {
    const found = brief(
      "‘The players’ union has been clear: we won’t accept cuts,’ said Tom Reeve. The club’s owner declined to comment on the ’90s deal.",
    );
    expect(found).toEqual([
      {
        quote: "‘The players’ union has been clear: we won’t accept cuts,’",
        cue: "said",
        mention: "Tom Reeve",
        speaker: "Tom Reeve",
        type: "direct",
      },
    ]);
    expect(brief("Mayor: 'We will rebuild the pier'")[0]?.quote).toBe("'We will rebuild the pier'");
    // A single-quoted word is a name or a scare quote, not a claim.
    expect(brief("The float won ‘Best’ at the carnival.")).toEqual([]);
  });

  it("keeps honorifics in the mention and leaves titles and roles out of mention and name", () => {
    const [judge] = brief("Judge Colin Ferris said the sentence would deter others.");
    expect(judge).toMatchObject({ mention: "Colin Ferris", speaker: "Colin Ferris" });
    const [councillor] = brief("‘We need the ferry back,’ said Cllr Tobias Renshaw.");
    expect(councillor).toMatchObject({ mention: "Cllr Tobias Renshaw", speaker: "Tobias Renshaw" });
    const [taoiseach] = brief("Taoiseach Declan Moriarty said the budget would balance.");
    expect(taoiseach).toMatchObject({ mention: "Declan Moriarty", speaker: "Declan Moriarty" });
    expect(
      suggestAttributions("Taoiseach Declan Moriarty said the budget would balance.")[0]?.speaker,
    ).toEqual({
      name: "Declan Moriarty",
      role: "Taoiseach",
    });
  });

  it("never resolves a pronoun to a street or a building, and gives a guessed gender way to the text", () => {
    const [street] = brief(
      "Police were called to Marsh Lane on Friday. Inspector Dele Obi said the road was closed. He said officers would stay overnight.",
    ).slice(1);
    expect(street).toMatchObject({ mention: "He", speaker: "Dele Obi" });
    // "Chen" is a man's name in the lists, but nobody else in the text can be "she".
    const found = brief("Dr. Chen Wei led the team. “We found it in every sample,” she said.");
    expect(found[0]).toMatchObject({ mention: "she", speaker: "Chen Wei" });
  });

  it("reads a participle or compound before a name as a description, not a clause", () => {
    expect(brief("Presiding judge Ulrike Brandt said Kessler had misled auditors.")[0]).toMatchObject({
      mention: "Ulrike Brandt",
      speaker: "Ulrike Brandt",
    });
    expect(
      brief(
        "Tunde Adeyemi, chief economist at Lagos-based Meristem Capital, said the decision was sensible.",
      )[0],
    ).toMatchObject({ mention: "Tunde Adeyemi", speaker: "Tunde Adeyemi" });
    expect(
      brief("Sergeant Kirsty Laing, of the Road Policing Unit, said: “We want to hear from drivers.”")[0],
    ).toMatchObject({ mention: "Kirsty Laing", speaker: "Kirsty Laing" });
  });

  it("resolves nicknames, leaders' posts in other words, and a role named before its holder", () => {
    const miller = brief(
      "Spokesman David ‘Dusty’ Miller said the quota was unfair. ‘We are being squeezed,’ said Dusty Miller. Mr Miller added that boats would stay in port.",
    );
    expect(miller.map((item) => item.speaker)).toEqual(["David Miller", "David Miller", "David Miller"]);
    const boss = brief(
      "Mariners manager Gary Tull was sent off. ‘I said nothing wrong,’ said the Mariners boss.",
    );
    expect(boss.at(-1)).toMatchObject({ mention: "the Mariners boss", speaker: "Gary Tull" });
    const ahead = brief(
      "The minister denied any wrongdoing. “I have nothing to hide,” Ahmed Karimi told parliament.",
    );
    expect(ahead[0]).toMatchObject({ mention: "The minister", speaker: "Ahmed Karimi" });
  });

  it("attributes what a participle reports to the sentence's subject, and skips where it was said", () => {
    expect(
      brief("A federal judge on Friday blocked the law, saying the state had failed to show it was safe.")[0],
    ).toMatchObject({
      quote: "the state had failed to show it was safe",
      cue: "saying",
      mention: "A federal judge",
    });
    expect(brief("The operator said in a statement it would run minimum services.")[0]).toMatchObject({
      quote: "it would run minimum services",
      cue: "said",
    });
    expect(brief("She countered that two seasons had already been granted.")[0]?.cue).toBe("countered");
  });

  it("takes neither a question put nor a request for anonymity for the cue", () => {
    expect(brief("Asked whether he would resign, the coach said he would not start now.")[0]).toMatchObject({
      quote: "he would not start now",
      cue: "said",
    });
    expect(
      brief("An official, who asked not to be named, said the road had collapsed in two places.")[0],
    ).toMatchObject({ quote: "the road had collapsed in two places", cue: "said" });
    expect(brief("The rally claimed its first casualty among hedge funds last month.")).toEqual([]);
  });

  it("finds the claim a participle adds after a quotation, and a second speaker's clause after “but”", () => {
    const adding = brief(
      '"Our door remains open," chairman Joost de Vries said, adding that the offer was generous.',
    );
    expect(adding.map((item) => [item.quote, item.cue, item.speaker])).toEqual([
      ['"Our door remains open,"', "said", "Joost de Vries"],
      ["the offer was generous", "adding", "Joost de Vries"],
    ]);
    const but = brief(
      "Dr Anna Berg said the factories were indispensable, but she cautioned that one market was a risk.",
    );
    expect(but.map((item) => [item.quote, item.cue, item.mention])).toEqual([
      ["the factories were indispensable", "said", "Dr Anna Berg"],
      ["one market was a risk", "cautioned", "she"],
    ]);
    expect(brief("Morikawa replied that energy subsidies would be extended until March.")[0]).toMatchObject({
      mention: "Morikawa",
      speaker: "Morikawa",
    });
    // One capitalised word before a cue is a speaker only before "that".
    expect(brief("Aluminium added 0.8% and zinc gained 1.1%.")).toEqual([]);
    expect(brief("Its central claims are backed by data from buoys.")).toEqual([]);
    expect(brief("Folk trio Mother Says Maybe will play songs from their album on Sunday.")).toEqual([]);
  });

  it("finds the body a one-word name means, and a nationality's person", () => {
    const police = brief("Police Scotland said a man was hurt. Police said enquiries were ongoing.");
    expect(police.map((item) => item.speaker)).toEqual(["Police Scotland", "Police Scotland"]);
    const pole = brief("Łukasz Kowalczyk scored twice. The Pole tweeted that he had never heard such noise.");
    expect(pole[0]).toMatchObject({ mention: "The Pole", speaker: "Łukasz Kowalczyk" });
  });

  it("matches a surname alone to the one registry speaker who bears it", () => {
    const registry = [
      { id: 1, name: "Gary Tull", aliases: [] },
      { id: 2, name: "Ann Reeve", aliases: [] },
      { id: 3, name: "Tom Reeve", aliases: [] },
      { id: 4, name: "Marsh Valley Council", aliases: [] },
    ];
    // The one council of the registry is "the council" of a local paper's story.
    const found = suggestAttributions(
      "‘We were magnificent,’ said Tull. ‘We were lucky,’ said Reeve. The road will shut in May, the council said.",
      registry,
    );
    expect(found.map((item) => item.speaker)).toEqual([{ id: 1 }, { name: "Reeve" }, { id: 4 }]);
  });

  it("makes no claim of a rule followed, a story told or a goal added before a participle", () => {
    expect(brief("Payment of the commission will be made according to the tariff.")).toEqual([]);
    expect(brief('An exhibition, "Tails of Fire", tells the story of comets in art.')).toEqual([]);
    expect(
      brief(
        "Asante-Boateng added a second goal shortly before half-time, turning his marker and firing low.",
      ),
    ).toEqual([]);
    expect(
      brief(
        "The deal adds a pipeline of wind farms, including two projects that have secured grid connections.",
      ),
    ).toEqual([]);
  });

  it("makes no claim of a sports result or an infinitive after a cue", () => {
    expect(brief("Ashford Rangers claimed the title with a game to spare on Saturday.")).toEqual([]);
    expect(
      brief("Rangers went ahead in the 12th minute, and Kerr Mitchell added a second before half-time."),
    ).toEqual([]);
  });
});

describe("names with particles, forms of address, affiliations and posts", () => {
  it("keeps a surname's particles in later mentions, and forms of address in the mention", () => {
    const found = brief(
      "Coach Pieter van der Linde praised the squad. “We grew up today,” said van der Linde. " +
        "Imam Yusuf al-Amin said the mosque would open its doors. Rev. Ada Obi said the hall was full.",
    );
    expect(found.map((item) => [item.mention, item.speaker])).toEqual([
      ["van der Linde", "Pieter van der Linde"],
      ["Imam Yusuf al-Amin", "Yusuf al-Amin"],
      ["Rev. Ada Obi", "Ada Obi"],
    ]);
  });

  it("names the person, not the body, in “X of the Y Institute said”, and a participle's named subject", () => {
    expect(
      brief("Geologist Dr Maren Holt of the Coastal Research Institute said the cliffs were moving.")[0],
    ).toMatchObject({
      mention: "Dr Maren Holt",
      speaker: "Maren Holt",
    });
    const [welcomed] = brief(
      "Energy Minister Omar bin Saleh welcomed the deal, saying it gave refiners “room to breathe”.",
    );
    expect(welcomed).toMatchObject({ cue: "saying", mention: "Omar bin Saleh", type: "mixed" });
  });

  it("keeps a possessive inside a body's name, and resolves a post, “the Company” and a family name first", () => {
    expect(brief("The Farmers' Children's Fund said the grants would rise.")[0]?.mention).toBe(
      "The Farmers' Children's Fund",
    );
    const posts = brief(
      "Chancellor Ilona Marsh opened the debate. The Chancellor replied that the cuts were “temporary”. " +
        "Brightwater Foods Ltd. (“the Company”) reported sales. Margins improved, the Company said. " +
        "Dr Wang Jiahui led the study. Dr Wang said the samples were clean.",
    );
    expect(posts.map((item) => item.speaker)).toEqual([
      "Ilona Marsh",
      "Brightwater Foods Ltd.",
      "Wang Jiahui",
    ]);
  });
});

describe("press releases, courts and the press's own questions", () => {
  it("reads a press release's dateline and defined name, and its “Company” later", () => {
    const found = brief(
      "TROMSØ, 2 March 2027 – Polar Cells ASA (“Polar” or “the Company”) today announced that it had won a contract. " +
        "Sales doubled in Bergen and Gdańsk, the Company said.",
    );
    expect(found.map((item) => [item.quote, item.mention, item.speaker])).toEqual([
      ["it had won a contract", "Polar Cells ASA", "Polar Cells ASA"],
      ["Sales doubled in Bergen and Gdańsk", "the Company", "Polar Cells ASA"],
    ]);
  });

  it("makes no claim of a reporter's question, a plea or a goal added with an adverbial", () => {
    expect(brief("“Was it the wind?” one reporter asked.")).toEqual([]);
    expect(brief("When the Courier asked the club ‘Will you stay?’, nobody answered.")).toEqual([]);
    expect(brief("Maria Ortiz, 41, pleaded not guilty to two counts of theft.")).toEqual([]);
    expect(
      brief("Ana Reyes added a third goal in the 70th minute and substitute Tom Bell headed in a fourth."),
    ).toEqual([]);
    expect(brief("“How long must we wait?” she asked.")).toHaveLength(1);
  });

  it("names people by given names, two surnames, “U.S. Attorney” titles and bodies joined by “and”", () => {
    const found = brief(
      "Assistant U.S. Attorney Dana Whitfield-Cruz said the payments were bribes. " +
        "Senator Siti Hajar binti Osman opened the session. Siti Hajar said the bill was flawed. " +
        "Juan Carlos Mendoza Ruiz scored twice. Mendoza said the team had deserved it. " +
        "The Road and Transport Authority said the bridge was safe.",
    );
    expect(found.map((item) => item.speaker)).toEqual([
      "Dana Whitfield-Cruz",
      "Siti Hajar binti Osman",
      "Juan Carlos Mendoza Ruiz",
      "Road and Transport Authority",
    ]);
  });

  it("finds the body a description names in the next sentence, and never an event for a pronoun", () => {
    const [agency] = brief(
      "Cases fell by a third, the country's disease control agency said. The figures from Disease Control Ruritania (DCR) are provisional.",
    );
    expect(agency?.speaker).toBe("Disease Control Ruritania");
    const [tennis] = brief(
      "Maria Kowal lost her chance of a first Grand Slam title. “I was tired,” she said.",
    );
    expect(tennis?.speaker).toBe("Maria Kowal");
  });
});

describe("things that claim nothing, and claims the rules used to miss", () => {
  it("makes no claim of signs, labels and proverbs, of words said about nothing, or of a goal added", () => {
    for (const text of [
      "A sign on the gate said: “Closed until spring”.",
      "The label said the jar contained peanuts.",
      "An old proverb says that the sea gives and the sea takes.",
      "The headline read “Mayor quits”, but the mayor said nothing of the sort.",
      "Ines Moreau scored twice, adding a third before the break.",
      "The album's title, “Nobody Asked Us”, says it all.",
      "The band played “What the Keeper Said”, a song written for the lighthouse's centenary.",
    ])
      expect(brief(text), text).toEqual([]);
  });

  it("finds the claim of “…, the governor said, adding that …” and of “told jurors the trial …”", () => {
    expect(
      brief("Rents will rise, the mayor said, adding that wages would not.").map((item) => item.quote),
    ).toEqual(["Rents will rise", "wages would not"]);
    expect(brief("Judge Lena Holm told jurors the hearing would last a week.")[0]).toMatchObject({
      quote: "the hearing would last a week",
      cue: "told",
      speaker: "Lena Holm",
    });
    expect(
      brief("An aide, speaking on condition of anonymity, said as many as ten ministers had objected.")[0],
    ).toMatchObject({ quote: "as many as ten ministers had objected", mention: "An aide" });
  });

  it("takes no name inside a quotation for a pronoun's person, and “the 27-year-old” for the sentence's subject", () => {
    const found = brief(
      "Mayor Ruth Lowe said the pier was ‘part of what makes Seabury Seabury’. Hetty Crane, who led the campaign, wept. ‘We did it,’ she said.",
    );
    expect(found.map((item) => item.speaker)).toEqual(["Ruth Lowe", "Hetty Crane"]);
    const [age] = brief(
      "Ana Kos lost to the teenager Mia Tan on Sunday. “I was slow,” the 27-year-old said.",
    );
    expect(age?.speaker).toBe("Ana Kos");
  });

  it("lets a final “…, the regulator said” report the whole sentence, and drops US-style datelines", () => {
    const [grounded] = brief(
      "PORTLAND, Ore. — The agency has closed two piers after divers found cracks in the pilings, the port authority said on Monday.",
    );
    expect(grounded).toMatchObject({
      quote: "The agency has closed two piers after divers found cracks in the pilings",
      cue: "said",
      mention: "the port authority",
    });
  });

  it("links firms by their initials, ampersands and their own names in a role phrase", () => {
    const found = brief(
      "Lineas del Norte (LDN) cut fares. LDN said demand had doubled. " +
        "Hale & Cotter warned on profits. The firm said costs had risen. " +
        "The strike was called by Dockmen, the port workers' union. The Dockmen union said talks had failed.",
    );
    expect(found.map((item) => item.speaker)).toEqual(["Lineas del Norte", "Hale & Cotter", "Dockmen"]);
  });
});

describe("more than one claim in a joined sentence, and where a claim ends", () => {
  it("finds a quotation after a claim with “that” in one sentence, and a participle's quotation after a colon", () => {
    const found = brief(
      "Health Minister Rosa Imbert told MPs that the scheme would stay. ‘There will be no cuts. Not this year,’ she said. " +
        "Ines Vidal said the fund was safe, adding: “Our mandate is stability, full stop.”",
    );
    expect(found.map((item) => [item.quote, item.cue, item.speaker])).toEqual([
      ["the scheme would stay", "told", "Rosa Imbert"],
      ["‘There will be no cuts. Not this year,’", "said", "Rosa Imbert"],
      ["the fund was safe", "said", "Ines Vidal"],
      ["“Our mandate is stability, full stop.”", "adding", "Ines Vidal"],
    ]);
  });

  it("ends a claim before “but declined”, keeps “p.m.”, and reads no claim into “added a penalty after …”", () => {
    expect(brief("Mr Lund said he was “glad it is over” but declined to comment further.")[0]?.quote).toBe(
      "he was “glad it is over”",
    );
    expect(brief("Traffic resumed at 4 p.m., the port said.")[0]?.quote).toBe("Traffic resumed at 4 p.m.");
    expect(brief("Substitute Omar Diaz added a late penalty after he was fouled in the box.")).toEqual([]);
  });

  it("resolves “the regulator” to the body called so, “a prosecutor” to the one named next, and leaves datelines out", () => {
    const found = brief(
      "LIMA, May 3 (Andes Wire) - Bills will rise, Tarifa, the national water regulator, said. " +
        "Suppliers must cut leaks, the regulator said. " +
        "The man lied to auditors, a prosecutor told the court. Opening the case, prosecutor Thandi Mokoena-Venter said Karl Visser, 58, had signed the invoices.",
    );
    expect(found.map((item) => item.speaker)).toEqual([
      "Tarifa",
      "Tarifa",
      "Thandi Mokoena-Venter",
      "Thandi Mokoena-Venter",
    ]);
  });
});

describe("learning from the project", () => {
  const text = "‘This is a disgrace,’ fumed the harbourmaster. ‘We were never asked,’ she said.";

  it("uses cue words the project keeps confirming, only once confirmed twice", () => {
    expect(suggestAttributions(text).map((item) => item.cue?.text)).not.toContain("fumed");
    const once = learnFrom([{ cue: "fumed", mention: null, speakerId: null }]);
    expect(once.cueWords).toEqual([]);
    const twice = learnFrom([
      { cue: "fumed", mention: null, speakerId: null },
      { cue: "Fumed", mention: null, speakerId: null },
      { cue: "said", mention: null, speakerId: null },
      { cue: "said", mention: null, speakerId: null },
    ]);
    expect(twice.cueWords).toEqual(["fumed"]);
    const learned = suggestAttributions(text, [], twice);
    expect(learned.map((item) => [item.quote, item.cue?.text])).toEqual([
      ["‘This is a disgrace,’", "fumed"],
      ["‘We were never asked,’", "said"],
    ]);
    // Other tenses of a learned verb count too, by its lemma.
    expect(
      suggestAttributions("Residents have fumed that the ferry was cancelled.", [], twice)[0]?.cue?.text,
    ).toBe("fumed");
  });

  it("names the speaker a mention has been confirmed as, never by a pronoun, and not when confirmations disagree", () => {
    const evidence = learnFrom([
      { cue: "fumed", mention: "the harbourmaster", speakerId: 4 },
      { cue: "fumed", mention: "The Harbourmaster", speakerId: 4 },
      { cue: "said", mention: "she", speakerId: 4 },
      { cue: "said", mention: "she", speakerId: 4 },
      { cue: "said", mention: "the spokesman", speakerId: 5 },
      { cue: "said", mention: "the spokesman", speakerId: 6 },
    ]);
    expect([...evidence.mentions]).toEqual([["the harbourmaster", 4]]);
    const [first, second] = suggestAttributions(text, [], evidence);
    expect(first!.speaker).toEqual({ id: 4 });
    expect(second!.speakerMention?.text).toBe("she");
  });
});
