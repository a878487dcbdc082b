import { availableParallelism } from "node:os";

/** Runs `run` (a helm or kubectl process) when a slot is free, freeing it as soon as the process ends. */
export type ToolSlots = <T>(run: () => Promise<T>) => Promise<T>;

/**
 * At most `limit` tool processes at once. A slot frees when its process exits, before the output is
 * parsed and validated, so the next render's process starts while this one's output is still being read:
 * the CPUs never wait for JavaScript between two renders.
 */
export function toolSlots(limit: number): ToolSlots {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await run();
    } finally {
      // The slot passes straight to the next waiter, if any, so `running` stays at the limit.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** No limit: each process starts at once. */
export const unlimitedSlots: ToolSlots = (run) => run();

/** One tool process per core, plus one to run while JavaScript reads the last one's output. */
export function defaultProcesses(): number {
  return availableParallelism() + 1;
}
