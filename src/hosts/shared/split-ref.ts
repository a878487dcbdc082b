import { ZakenakError } from "../../errors.js";

/**
 * The kind and short name of a full branch or tag ref. Short names are refused: `main` could be a branch and
 * a tag at once, and the hosts would each pick one their own way.
 */
export function splitRef(ref: string): { kind: "branch" | "tag"; name: string } {
  const match = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
  if (!match?.[2]) {
    throw new ZakenakError(
      "invalid",
      `"${ref}" is not a full branch or tag ref (refs/heads/… or refs/tags/…)`,
    );
  }
  return { kind: match[1] === "heads" ? "branch" : "tag", name: match[2] };
}
