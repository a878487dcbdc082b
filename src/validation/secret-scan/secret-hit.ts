/**
 * A secret found in a file's text: where it is and what kind it is, never the value. `what` is a noun
 * phrase ("a GitHub token") that is safe to print anywhere.
 */
export interface SecretHit {
  /** 1-based line where the secret starts. */
  line: number;
  /** 1-based line where it ends (a PEM block spans many). */
  endLine: number;
  what: string;
}

/** "a" or "an" before a noun phrase, by how it is said: "an AWS key", "an npm token", "a GitHub token". */
export function withArticle(phrase: string): string {
  return /^(?:[aeiou]|npm)/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
