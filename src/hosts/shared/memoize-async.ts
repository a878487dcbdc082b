/** `fn` run at most once while it succeeds; a failure is not kept, so the next call tries again. */
export function memoizeAsync<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= fn().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
