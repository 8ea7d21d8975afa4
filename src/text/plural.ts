/** "1 article", "3 articles", "1,000 claims": a count with its noun, for messages. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}
