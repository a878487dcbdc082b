import { ZakenakError } from "../errors.js";

/**
 * The environments asked for, in the order they are declared; every known one when none is asked for.
 * An unknown name is a usage error that lists the known ones.
 */
export function selectEnvironments(known: readonly string[], wanted?: readonly string[]): string[] {
  if (!wanted || wanted.length === 0) return [...known];
  const unknown = wanted.find((w) => !known.includes(w));
  if (unknown !== undefined) {
    throw new ZakenakError("usage", `unknown environment "${unknown}" (known: ${known.join(", ")})`);
  }
  return known.filter((k) => wanted.includes(k));
}
