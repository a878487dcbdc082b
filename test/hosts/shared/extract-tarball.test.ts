import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isZakenakError } from "../../../src/errors.js";
import { extractTarball } from "../../../src/hosts/shared/extract-tarball.js";
import { craftTarball, makeTarball, paxRecord } from "./tarball-fixtures.js";

const call = { host: "github", call: "downloadArchive", repo: { host: "github", fullName: "o/r" } } as const;

let dest: string;
beforeEach(async () => {
  dest = await mkdtemp(join(tmpdir(), "zakenak-extract-"));
});
afterEach(async () => {
  await rm(dest, { recursive: true, force: true });
});

async function failure(archive: Buffer): Promise<unknown> {
  return extractTarball(Readable.from([archive]), dest, call).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("extractTarball", () => {
  it("extracts a real tar.gz without its top directory", async () => {
    const archive = await makeTarball("o-r-abc1234", {
      "README.md": "hi\n",
      "charts/app/values.yaml": "a: 1\n",
    });
    await extractTarball(Readable.from([archive]), dest, call);
    expect((await readdir(dest)).sort()).toEqual(["README.md", "charts"]);
    expect(await readFile(join(dest, "charts/app/values.yaml"), "utf8")).toBe("a: 1\n");
  });

  it("accepts a web ReadableStream delivered in small chunks", async () => {
    const archive = await makeTarball("top", { "a.txt": "x".repeat(5000) });
    const chunks = Array.from({ length: Math.ceil(archive.length / 7) }, (_, i) =>
      archive.subarray(i * 7, i * 7 + 7),
    );
    await extractTarball(Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>, dest, call);
    expect(await readFile(join(dest, "a.txt"), "utf8")).toBe("x".repeat(5000));
  });

  it("keeps symlinks that stay inside the tree", async () => {
    const archive = craftTarball([
      { name: "top/", type: "5" },
      { name: "top/docs/", type: "5" },
      { name: "top/README.md", content: "r" },
      { name: "top/docs/readme", type: "2", linkName: "../README.md" },
    ]);
    await extractTarball(Readable.from([archive]), dest, call);
    expect(await readlink(join(dest, "docs/readme"))).toBe("../README.md");
  });

  it.each([
    ["an absolute path", [{ name: "/etc/zakenak-test", content: "x" }]],
    ["a .. entry", [{ name: "top/../../escape", content: "x" }]],
    ["a symlink out of the tree", [{ name: "top/link", type: "2", linkName: "../../etc" }]],
    ["a symlink to an absolute path", [{ name: "top/link", type: "2", linkName: "/etc/passwd" }]],
    ["a hard link to ..", [{ name: "top/hard", type: "1", linkName: "../outside" }]],
    ["a device", [{ name: "top/dev", type: "3" }]],
    [
      "an entry after a lone zero block",
      [
        { name: "zero", type: "zero" },
        { name: "/etc/evil", content: "x" },
      ],
    ],
    [
      "a pax path with ..",
      [
        { name: "pax", type: "x", content: paxRecord("path", "top/../../x") },
        { name: "top/ok", content: "x" },
      ],
    ],
  ])("refuses %s and leaves the directory empty", async (_what, entries) => {
    const archive = craftTarball([
      { name: "top/", type: "5" },
      { name: "top/first.txt", content: "1" },
      ...entries,
    ]);
    const error = await failure(archive);
    expect(isZakenakError(error) && error.code).toBe("invalid");
    expect(isZakenakError(error) && error.retryable).toBe(false);
    expect(await readdir(dest)).toEqual([]);
  });

  it("calls a truncated download retryable", async () => {
    const archive = await makeTarball("top", { "a.txt": "a".repeat(100_000) });
    const error = await failure(archive.subarray(0, Math.floor(archive.length / 2)));
    expect(isZakenakError(error) && error.retryable).toBe(true);
    expect(await readdir(dest)).toEqual([]);
  });

  it("fails a complete gzip stream whose tar lacks the end-of-archive blocks", async () => {
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const tar = gunzipSync(
      craftTarball([
        { name: "top/", type: "5" },
        { name: "top/a.txt", content: "a" },
      ]),
    );
    const error = await failure(gzipSync(tar.subarray(0, tar.length - 1024)));
    expect(isZakenakError(error) && error.code).toBe("host-unavailable");
    expect(await readdir(dest)).toEqual([]);
  });

  it("refuses a stream that is not a tarball", async () => {
    const { gzipSync } = await import("node:zlib");
    const error = await failure(gzipSync(Buffer.alloc(2048, 0x41)));
    expect(isZakenakError(error) && error.code).toBe("invalid");
  });
});
