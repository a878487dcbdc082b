import { mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isZakenakError } from "../../../src/errors.js";
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { extractTarball } from "../../../src/hosts/shared/extract-tarball.js";
import { rejection } from "./rejection.js";
import { craftTarball, makeTarball, paxRecord } from "./tarball-fixtures.js";

const call = { host: "github", call: "downloadArchive", repo: { host: "github", fullName: "o/r" } } as const;

let dest: string;
beforeEach(async () => {
  dest = await mkdtemp(join(tmpdir(), "zakenak-extract-"));
});
afterEach(async () => {
  await rm(dest, { recursive: true, force: true });
});

async function failure(archive: Buffer, limits?: ArchiveLimits): Promise<unknown> {
  return extractTarball(Readable.from([archive]), dest, call, [], limits).then(
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

/** Entries: the top directory, a pax header (not an entry), two files of 3000 and 1000 bytes. */
const limited = () =>
  craftTarball([
    { name: "top/", type: "5" },
    { name: "pax", type: "x", content: paxRecord("path", "top/big.bin") },
    { name: "top/ignored-name", content: "b".repeat(3000) },
    { name: "top/small.txt", content: "s".repeat(1000) },
  ]);
const counts = { maxCompressedBytes: limited().length, maxExtractedBytes: 4000, maxEntries: 3 };

describe("extractTarball: archive limits", () => {
  it.each(Object.keys(counts) as (keyof ArchiveLimits)[])(
    "extracts an archive exactly at %s",
    async (limit) => {
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, [limit]: counts[limit] };
      await extractTarball(Readable.from([limited()]), dest, call, [], limits);
      expect((await readdir(dest)).sort()).toEqual(["big.bin", "small.txt"]);
      expect(await readFile(join(dest, "small.txt"), "utf8")).toBe("s".repeat(1000));
    },
  );

  it.each(Object.keys(counts) as (keyof ArchiveLimits)[])(
    "refuses an archive one over %s, naming the limit and its key, and leaves the directory empty",
    async (limit) => {
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, [limit]: counts[limit] - 1 };
      const error = await rejection(extractTarball(Readable.from([limited()]), dest, call, [], limits));
      expect(error).toMatchObject({ code: "archive-too-large", retryable: false });
      expect(error.message).toContain("GitHub downloadArchive on o/r");
      expect(error.message).toContain(`more than ${counts[limit] - 1} `);
      expect(error.message).toContain(`raise limits.archive.${limit} in the server configuration file`);
      expect(await readdir(dest)).toEqual([]);
    },
  );

  it("empties what was extracted before the limit was reached", async () => {
    // Incompressible, so the first file is through tar well before the download runs over.
    const { randomBytes } = await import("node:crypto");
    const archive = await makeTarball("top", {
      "a.bin": randomBytes(300_000).toString("base64"),
      "b.bin": randomBytes(300_000).toString("base64"),
    });
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxCompressedBytes: archive.length - 1 };
    const chunks = Array.from({ length: Math.ceil(archive.length / 65_536) }, (_, i) =>
      archive.subarray(i * 65_536, (i + 1) * 65_536),
    );
    const error = await rejection(extractTarball(Readable.from(chunks), dest, call, [], limits));
    expect(error.code).toBe("archive-too-large");
    expect(await readdir(dest)).toEqual([]);
  });

  it("counts a file's pax size, as tar reads it, not the header's", async () => {
    const entries = [
      { name: "top/", type: "5" },
      { name: "pax", type: "x", content: paxRecord("size", "5000") },
      { name: "top/big.bin", content: "p".repeat(5000), size: 0 },
    ];
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxExtractedBytes: 4999 };
    expect(await failure(craftTarball(entries), limits)).toMatchObject({ code: "archive-too-large" });
    await extractTarball(Readable.from([craftTarball(entries)]), dest, call);
    expect(await readFile(join(dest, "big.bin"), "utf8")).toBe("p".repeat(5000));
  });

  it("refuses a size in a global pax header", async () => {
    const error = await failure(
      craftTarball([
        { name: "pax", type: "g", content: paxRecord("size", "0") },
        { name: "top/a.txt", content: "a" },
      ]),
    );
    expect(error).toMatchObject({ code: "invalid" });
  });

  it("applies the default limits when none are given", async () => {
    // Declared through a pax size, the file is refused at its header: no data needs to follow.
    const over = DEFAULT_ARCHIVE_LIMITS.maxExtractedBytes + 1;
    const error = await failure(
      craftTarball([
        { name: "pax", type: "x", content: paxRecord("size", String(over)) },
        { name: "top/huge.bin", size: 0 },
      ]),
    );
    expect(error).toMatchObject({ code: "archive-too-large" });
    expect((error as Error).message).toContain(`more than ${500 * 1024 * 1024} bytes (maxExtractedBytes)`);
  });
});
