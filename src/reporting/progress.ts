import { escapeControl } from "./escape-control.js";

/** Where progress goes: a `process.stderr`-like stream; only `write`, `isTTY` and `columns` are used. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** Announces the next item being worked on, e.g. `tick("ollama (dev)")`. */
  tick(name: string): void;
  /** Clears the progress line so the real output starts on a clean line. */
  done(): void;
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * A single self-overwriting progress line ("Rendering 12/40: ollama (dev)") on a terminal.
 *
 * When the stream is not a TTY (CI, pipes, files) nothing at all is written: progress lines would only
 * clutter logs with hundreds of carriage-return-separated lines and add nothing to the final report.
 */
export function createProgress(opts: {
  stream: NodeJS.WriteStream | ProgressStream;
  total: number;
  label: string;
}): Progress {
  const { stream, total, label } = opts;
  if (stream.isTTY !== true) return { tick() {}, done() {} };
  let count = 0;
  let shown = false;
  return {
    tick(name: string) {
      count += 1;
      // Control characters in a name could move the cursor; keep the line to the terminal width so it
      // never wraps (a wrapped line cannot be overwritten with "\r").
      let line = `${label} ${count}/${total}: ${escapeControl(name)}`;
      const width = stream.columns ?? 0;
      if (width > 1 && line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
      stream.write(`${CLEAR_LINE}${line}`);
      shown = true;
    },
    done() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
