import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/reporting/progress.js";

function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (s: string) => writes.push(s) } };
}

describe("createProgress", () => {
  it("prints nothing when the stream is not a TTY", () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ stream, total: 2, label: "Rendering" });
    progress.tick("ollama (dev)");
    progress.tick("ollama (prod)");
    progress.done();
    expect(writes).toEqual([]);
  });

  it("overwrites a single line on a TTY and clears it when done", () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress({ stream, total: 40, label: "Rendering" });
    progress.tick("ollama (dev)");
    progress.tick("ingress (dev)");
    progress.done();
    expect(writes).toEqual([
      "\r\x1b[2KRendering 1/40: ollama (dev)",
      "\r\x1b[2KRendering 2/40: ingress (dev)",
      "\r\x1b[2K",
    ]);
    expect(writes.join("")).not.toContain("\n");
  });

  it("keeps the line within the terminal width and neutralises control characters", () => {
    const { writes, stream } = fakeStream(true, 20);
    const progress = createProgress({ stream, total: 1, label: "Rendering" });
    progress.tick(`a-very-long-release-name\n(dev)`);
    const line = writes[0]?.replace("\r\x1b[2K", "") ?? "";
    expect(line.length).toBeLessThan(20);
    expect(line).not.toContain("\n");
  });
});
