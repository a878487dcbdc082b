import { ZakenakError } from "../../errors.js";
import type { RepoRef } from "../host-event.js";

/** `owner` and `name` of a two-part `owner/name` repository (GitHub, Gitea). */
export function ownerAndName(repo: RepoRef): { owner: string; name: string } {
  const parts = repo.fullName.split("/");
  const [owner, name] = parts;
  if (parts.length !== 2 || !owner || !name) {
    throw new ZakenakError("invalid", `repository "${repo.fullName}" is not of the form owner/name`);
  }
  return { owner, name };
}

/** A path inside a repository for a URL: segments escaped, slashes kept. */
export function escapePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
