/** The people and claims of the demo project, as found in src/demo/sample-article.txt. */

export const demoSpeakers = [
  {
    name: "Hikmat Hajiyev",
    role: "Assistant to the President of Azerbaijan",
    affiliation: "Presidential Administration of Azerbaijan",
    aliases: ["Hajiyev", "the president's assistant"],
  },
  {
    name: "Ilham Aliyev",
    role: "President of Azerbaijan",
    affiliation: "Government of Azerbaijan",
    aliases: ["Aliyev", "President Ilham Aliyev"],
  },
];

export interface DemoClaim {
  /** The claim is the one-sentence paragraph opening with this text. */
  opens: string;
  type: "direct" | "indirect" | "mixed" | "outlet";
  speaker?: string;
  /** How the speaker is named in the sentence. */
  mention?: string;
  /** The reporting words ("stressed", "According to"). */
  cue?: string;
  stance: string;
  target: string;
  note: string;
}

export const demoClaims: DemoClaim[] = [
  {
    opens: "Hajiyev stressed that",
    type: "indirect",
    speaker: "Hikmat Hajiyev",
    mention: "Hajiyev",
    cue: "stressed",
    stance: "favor",
    target: "Azerbaijan",
    note: "Reported speech: the reporting verb and 'that' introduce a paraphrase.",
  },
  {
    opens: "According to him,",
    type: "indirect",
    speaker: "Hikmat Hajiyev",
    mention: "him",
    cue: "According to",
    stance: "favor",
    target: "Azerbaijan",
    note: "'him' refers back to Hajiyev.",
  },
  {
    opens: '"The Armenians are still committing',
    type: "direct",
    speaker: "Hikmat Hajiyev",
    mention: "the president’s assistant",
    cue: "added",
    stance: "against",
    target: "Armenia",
    note: "Quoted words, attributed after the quote.",
  },
  {
    opens: "Despite the fact that so far the parties",
    type: "outlet",
    stance: "against",
    target: "Armenia",
    note: "Nobody is cited: the outlet states this itself.",
  },
];
