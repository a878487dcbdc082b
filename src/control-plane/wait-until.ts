import { setTimeout as delay } from "node:timers/promises";

export interface WaitUntilOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Finishes the timeout message: "timed out after 5000 ms waiting for <what>". */
  what: string;
  /** Extra detail for the timeout message, computed only when it is needed. */
  detail?: () => Promise<string> | string;
}

/**
 * Polls check until it returns something other than undefined, and returns that. An error thrown by
 * check ends the wait at once, so a check can bail out when waiting is pointless (a process died).
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs, intervalMs = 100, what, detail }: WaitUntilOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() >= deadline) {
      const extra = detail ? await detail() : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra ? `\n${extra}` : ""}`);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
