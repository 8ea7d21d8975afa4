// search_fold() is the one definition of folded speaker names (no case, no accents, words apart),
// written in SQL so that the stored side (the speakers_search_idx index) and the typed side are
// folded by the same code. These tests pin it on the database mode they run on (the CI runs both):
// examples from the issue, and thousands of generated strings against a reference written here.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function fold(texts: string[]): Promise<string[]> {
  const rows = await database.db.prisma.$queryRaw<{ folded: string }[]>`
    SELECT search_fold(t.text) AS folded
    FROM jsonb_to_recordset(${JSON.stringify(texts.map((text, i) => ({ text, i })))}::jsonb) AS t(text text, i int)
    ORDER BY t.i`;
  return rows.map((row) => row.folded);
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i)).join("");

/** The migration's letter table: what does not decompose, and capitals folded whatever the locale. */
const letters = new Map(
  [
    ["øØłŁđĐðÐħĦıŧŦŋŊĸƒƑƏς", "oollddddhhittnnkffəσ"],
    [range(0x400, 0x42f), range(0x450, 0x45f) + range(0x430, 0x44f)],
    [range(0x391, 0x3a1) + range(0x3a3, 0x3a9), range(0x3b1, 0x3c1) + range(0x3c3, 0x3c9)],
  ].flatMap(([from, to]) => [...from!].map((char, i) => [char, [...to!][i]!] as const)),
);

/** What search_fold should give, step by step as the migration documents it. */
function reference(text: string): string {
  let s = text.normalize("NFKD");
  // eslint-disable-next-line no-misleading-character-class -- the combining-mark blocks are the point
  s = s.replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu, "");
  s = s.replace(/'|`|\u00b7|\u02bb|\u02bc|\u2018|\u2019/gu, "");
  for (const [from, to] of Object.entries({
    ß: "ss",
    ẞ: "ss",
    æ: "ae",
    Æ: "ae",
    œ: "oe",
    Œ: "oe",
    þ: "th",
    Þ: "th",
  })) {
    s = s.replaceAll(from, to);
  }
  s = [...s]
    .map((char) => letters.get(char) ?? char)
    .join("")
    .toLowerCase();
  s = s.replace(
    // eslint-disable-next-line no-control-regex -- control characters separate words too
    /[\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00bf\u00d7\u00f7\u2000-\u206f\u2e00-\u2e7f\u3000-\u303f\ufeff]+/gu,
    " ",
  );
  s = s.replace(/([^ ]{100})[^ ]+/gu, "$1");
  return s.replace(/^ +| +$/g, "");
}

describe("search_fold", () => {
  it.each([
    ["Zoë Müller", "zoe muller"],
    ["ZOË MÜLLER", "zoe muller"],
    ["Zoe\u0308 Mu\u0308ller", "zoe muller"], // decomposed accents
    ["  Rafael   Ortiz ", "rafael ortiz"],
    ["J. Doe", "j doe"],
    ["Jean-Pierre O'Brien", "jean pierre obrien"],
    ["D’Alema", "dalema"],
    ["Straße Ærø Œuvre Þór", "strasse aero oeuvre thor"],
    ["Łódź Đoković Ħal ıstanbul İzmir", "lodz dokovic hal istanbul izmir"],
    ["Ǆemal ﬁnal Ｆｕｌｌ ²", "dzemal final full 2"],
    ["ΣΩΚΡΆΤΗΣ Σωκράτης", "σωκρατησ σωκρατησ"],
    ["ЁЛКА Йошкар-Ола ЖУКОВ", "елка иошкар ола жуков"],
    ["Əliyev", "əliyev"],
    ["Xi Jinping 习近平", "xi jinping 习近平"],
    ["«Le Monde» — “quoted”…", "le monde quoted"],
    ["!!!", ""],
    ["", ""],
  ])("folds %j to %j", async (text, expected) => {
    expect(await fold([text])).toEqual([expected]);
    expect(reference(text)).toBe(expected);
  });

  it("makes one list of words of the name and every alias: what speakers_search_idx holds", async () => {
    const [row] = await database.db.prisma.$queryRaw<{ words: string }[]>`
      SELECT speaker_words('Zoë Müller', ARRAY['Z. Müller', 'Frau Müller'])::text AS words,
             speaker_words('Zoë Müller', NULL)::text AS without_aliases`;
    expect(row).toEqual({ words: "'frau' 'muller' 'z' 'zoe'", without_aliases: "'muller' 'zoe'" });
  });

  it("cuts words at 100 characters, so no name can make an index entry too long", async () => {
    const long = "Ｗ".repeat(150) + " ﷺ".repeat(100);
    const [folded] = await fold([long]);
    expect(folded!.split(" ")[0]).toHaveLength(100);
    expect(folded).toBe(reference(long));
  });

  it("agrees with the reference on generated names", async () => {
    const pieces = fc.constantFrom(
      ..."aZéÉèÇçñÑöÖüÜåÅßẞæÆœŒþÞøØłŁđĐðÐħĦıİŧŋĸƒƏəǄﬁＡ²½",
      ..."αΑάΆΣσςΩЁёЙйЖжЂђ习한ب",
      ..."0189 \t\n.,;:!?'’ʼ‘`·-–—_/\\()[]«»“”\"…\u00a0\u2009\u3000\ufeff",
      "e\u0301",
      "o\u0308",
      "😀",
      "Jean-Pierre",
      "O'Brien",
    );
    const names = fc.array(pieces, { maxLength: 24 }).map((parts) => parts.join(""));
    const samples = fc.sample(names, { numRuns: 2000, seed: 20261127 });
    const folded = await fold(samples);
    const mismatches = samples
      .map((text, i) => ({ text, database: folded[i], reference: reference(text) }))
      .filter((row) => row.database !== row.reference);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
