// Which of the project's targets a suggested claim is about, proposed when the claim's own words
// name exactly one of them: "support to Azerbaijan" proposes Azerbaijan; "Azerbaijani" and
// "Armenians" name neither (whole words only), and a claim naming two targets proposes none.

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The live target whose name occurs in `quote` as whole words, when exactly one does. */
export function proposedTarget(quote: string, targetNames: readonly string[]): string | undefined {
  const words = fold(quote);
  const named = targetNames.filter((name) => {
    const wanted = fold(name).trim();
    return (
      wanted !== "" && new RegExp(`(?<![\\p{L}\\p{N}])${escape(wanted)}(?![\\p{L}\\p{N}])`, "u").test(words)
    );
  });
  return named.length === 1 ? named[0] : undefined;
}
