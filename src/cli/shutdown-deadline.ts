import type { Logger } from "pino";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Bounds a graceful shutdown: from the first SIGTERM/SIGINT, the process has `seconds` to finish its
 * active jobs and close its connections. Past that (Redis or the API server gone, a job stuck), it logs
 * what it abandons and exits 1 rather than hang until the kubelet's SIGKILL: the jobs it held are
 * stalled in the queue and another worker takes them over after the stall interval; the environment
 * locks it held expire with their lease.
 */
export function armShutdownDeadline(
  seconds: number,
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): { dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: string) => {
    if (timer) return;
    timer = setTimeout(() => {
      logger.error(
        { signal, deadlineSeconds: seconds },
        `shutdown deadline of ${seconds}s passed: exiting with active jobs and connections abandoned ` +
          "(another worker takes the jobs over after the stall interval)",
      );
      exit(1);
    }, seconds * 1000);
    // The deadline never keeps a process alive that has finished closing by itself.
    timer.unref();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      if (timer) clearTimeout(timer);
    },
  };
}
