import type { RecordedRequest, StrictHttpFake } from "./strict-http-fake.js";

/**
 * Waits until the strict fake has received a request `match` accepts (the last call of a flow), then
 * verifies the fake: every expectation used, nothing unexpected. On a timeout the fake's own report
 * (unexpected requests, expectations left) is the error, with the tail of serve's log.
 */
export async function phaseDone(
  fake: StrictHttpFake,
  what: string,
  match: (r: RecordedRequest) => boolean,
  log: () => string,
  { timeoutMs = 90_000, from = 0 }: { timeoutMs?: number; from?: number } = {},
): Promise<RecordedRequest[]> {
  const deadline = Date.now() + timeoutMs;
  let printed = from;
  for (;;) {
    if (process.env.ZAKENAK_TEST_LOGS) {
      for (const r of fake.requests.slice(printed))
        console.log(`${new Date().toISOString()} fake: ${r.method} ${r.path}`);
      printed = fake.requests.length;
    }
    const seen = fake.requests.slice(from);
    if (seen.some(match)) break;
    if (Date.now() > deadline) {
      try {
        fake.verify();
      } catch (error) {
        throw new Error(`timed out waiting for ${what}\n${(error as Error).message}\n${log()}`);
      }
      throw new Error(`timed out waiting for ${what} (the fake saw nothing wrong)\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    fake.verify();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}\n${log()}`);
  }
  return fake.requests.slice(from);
}

/** The JSON body of a recorded request. */
export function jsonOf(r: RecordedRequest): Record<string, unknown> {
  return JSON.parse(r.body) as Record<string, unknown>;
}
