import fc from "fast-check";

/**
 * Every property runs a fixed, seeded number of cases in the test command, so a failure reproduces;
 * ZAKENAK_FUZZ_RUNS runs more (and ZAKENAK_FUZZ_SEED another sequence) for a longer search.
 */
export const FUZZ_SEED = Number(process.env.ZAKENAK_FUZZ_SEED ?? 20261204);

export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  const runs = Number(process.env.ZAKENAK_FUZZ_RUNS ?? defaultRuns);
  return { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true };
}

type Json = unknown;

/** Every path to a value inside a JSON document, the root first. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths.push(...pathsOf(v, [...prefix, i]));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...prefix, k]));
  }
  return paths;
}

/** One edit of a document: a value replaced by another (any JSON), or a key removed. */
export interface Mutation {
  pick: number;
  replacement: { value: Json } | null;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  replacement: fc.option(
    fc.record({
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(
          "",
          " ",
          "0".repeat(40),
          "refs/heads/",
          "refs/tags/",
          null,
          -1,
          Number.MAX_VALUE,
          true,
        ),
      ),
    }),
  ),
});

/** Applies mutations to a deep copy; the original stays as it was. */
export function mutate(document: Json, mutations: readonly Mutation[]): Json {
  let doc = structuredClone(document);
  for (const m of mutations) {
    const paths = pathsOf(doc);
    const path = paths[m.pick % paths.length] ?? [];
    if (path.length === 0) {
      doc = m.replacement ? m.replacement.value : null;
      continue;
    }
    // biome-ignore lint/suspicious/noExplicitAny: any JSON container, indexed by a path taken from itself.
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], doc);
    const key = path[path.length - 1] as string | number;
    if (m.replacement) parent[key] = structuredClone(m.replacement.value);
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  }
  return doc;
}
