import { isZakenakError, type ZakenakError } from "../../../src/errors.js";

/** The ZakenakError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ZakenakError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isZakenakError(error)) throw new Error(`expected a ZakenakError, got ${String(error)}`);
  return error;
}
