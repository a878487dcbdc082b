/** The 1-based line of key `i` in `largeConfigMapYaml`: the header takes 6 lines. */
export function lineOfKey(i: number): number {
  return 7 + i;
}

/**
 * A ConfigMap of `keys` keys with 80-character values, generated rather than committed. Each index in
 * `repeatAt` makes that key a copy of key 0's name, so the mapping repeats a key there.
 */
export function largeConfigMapYaml(keys: number, repeatAt: readonly number[] = [], name = "big"): string {
  const value = "v".repeat(80);
  const repeats = new Set(repeatAt);
  const parts = [`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n`];
  for (let i = 0; i < keys; i++) {
    parts.push(`  ${repeats.has(i) ? keyName(0) : keyName(i)}: ${value}\n`);
  }
  return parts.join("");
}

export function keyName(i: number): string {
  return `key-${String(i).padStart(6, "0")}`;
}
