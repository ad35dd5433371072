// Counted nouns in messages: "1 inspection", "2 inspections" (one helper, so no message says "1 steps").

/** `n` and the noun, singular for exactly one (`plural(1, "key file")` → "1 key file"). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
