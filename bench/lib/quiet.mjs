import { readFileSync } from "node:fs";

/** Busy fraction of all CPUs over `ms` milliseconds, from /proc/stat (undefined when not on Linux). */
export async function machineBusy(ms = 1000) {
  const read = () => {
    try {
      const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = f[3] + (f[4] ?? 0); // idle + iowait
      return { idle, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  if (!a || !b || b.total === a.total) return undefined;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits until the machine is quiet (other people's tests, builds) before a timed iteration: at most
 * `maxBusy` of the CPUs busy over one second, checked for up to `timeoutMs`. Returns the last busy
 * fraction and how long it waited; never throws, so a busy machine delays a benchmark but does not fail it.
 */
export async function waitForQuiet({ maxBusy = 0.15, timeoutMs = 180_000 } = {}) {
  const started = Date.now();
  let busy;
  do {
    busy = await machineBusy(1000);
    if (busy === undefined || busy <= maxBusy) break;
  } while (Date.now() - started < timeoutMs);
  return { busy, waitedMs: Date.now() - started, quiet: busy === undefined || busy <= maxBusy };
}
