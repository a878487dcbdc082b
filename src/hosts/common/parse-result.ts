import type { z } from "zod";
import { ZakenakError } from "../../errors.js";
import type { HostEvent } from "../host-event.js";

/** An event the bot does not act on, with the reason intake answers with. */
export interface IgnoredEvent {
  ignored: string;
}

/** What every webhook normalizer returns: a host-neutral event, or why there is none. */
export type ParseResult = HostEvent | IgnoredEvent;

export function ignored(reason: string): IgnoredEvent {
  return { ignored: reason };
}

export function isIgnored(result: ParseResult): result is IgnoredEvent {
  return "ignored" in result;
}

/** Git's "no object" id: the `after` of a push that deleted its ref. */
export function isZeroSha(sha: string | null | undefined): boolean {
  return sha === null || sha === undefined || /^0+$/.test(sha);
}

/** Splits a full ref into branch or tag; other refs (notes, pull heads) have no meaning for the bot. */
export function splitRef(ref: string): { refType: "branch" | "tag"; refName: string } | undefined {
  if (ref.startsWith("refs/heads/")) return { refType: "branch", refName: ref.slice("refs/heads/".length) };
  if (ref.startsWith("refs/tags/")) return { refType: "tag", refName: ref.slice("refs/tags/".length) };
  return undefined;
}

/**
 * Checks the fields a normalizer reads; a payload without them is not what the host documents, so it
 * is rejected (400) rather than turned into an event with holes. The message names the first bad field.
 */
export function readPayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.join(".") : "(root)";
  throw new ZakenakError("invalid", `bad ${what} payload: ${path}: ${issue?.message ?? "invalid"}`);
}
