/**
 * The environment locks this process holds right now, so that a scrape can tell how long each has been
 * held: a histogram only learns of a hold once it ends, too late to alert on one that never does.
 */
export class LockHolds {
  readonly #held = new Map<number, { environment: string; since: number }>();
  #next = 0;

  /** Records a lock taken now; the returned function ends the hold and gives its length in seconds. */
  take(environment: string, now: () => number = Date.now): () => number {
    const id = this.#next++;
    const since = now();
    this.#held.set(id, { environment, since });
    return () => {
      this.#held.delete(id);
      return (now() - since) / 1000;
    };
  }

  /** Seconds held so far per environment: the oldest hold when one environment has several. */
  ages(now: number = Date.now()): Map<string, number> {
    const ages = new Map<string, number>();
    for (const { environment, since } of this.#held.values()) {
      const seconds = (now - since) / 1000;
      ages.set(environment, Math.max(ages.get(environment) ?? 0, seconds));
    }
    return ages;
  }
}
