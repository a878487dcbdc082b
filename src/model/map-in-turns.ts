import { setImmediate as nextTurn } from "node:timers/promises";

/** Calls made per turn of the event loop: small enough that timers and sockets wait a few ms at most. */
const PER_TURN = 64;

/**
 * Maps over items with a synchronous `fn`, `PER_TURN` items per turn of the event loop, keeping their
 * order. For many small files: a synchronous read or stat costs a fraction of a promise-based one (no
 * thread-pool round trips, one system call each), and the turns keep a long list from stalling a
 * server's event loop. The first error is thrown and no further item is started.
 */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T, i: number) => R): Promise<R[]> {
  const results = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % PER_TURN === 0) await nextTurn();
    results[i] = fn(items[i] as T, i);
  }
  return results;
}
