/**
 * The environment for helm and kubectl, which are Go programs living a few tens of milliseconds. Go's
 * default GC target (GOGC=100, counted from a 4 MB heap) collects several times during their start-up
 * alone; a higher target cuts about a fifth of their CPU time, while memory stays bounded (at most five
 * times the live heap) for large charts too. A GOGC the user set wins.
 */
export function goToolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { GOGC: "400", ...process.env, ...extra };
}
