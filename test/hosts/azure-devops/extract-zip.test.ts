import { mkdtemp, readdir, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractZip } from "../../../src/hosts/azure-devops/extract-zip.js";
import { DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { rejection } from "../shared/rejection.js";
import { craftZip, makeZip } from "./zip-fixtures.js";

const call = { host: "azure-devops" as const, call: "downloadArchive" };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-zip-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const extract = (zip: Buffer, limits = DEFAULT_ARCHIVE_LIMITS) =>
  extractZip(Readable.from([zip.subarray(0, 10), zip.subarray(10)]), dir, call, limits);

describe("extractZip", () => {
  it("extracts a tree at the root as is", async () => {
    await extract(makeZip({ ".zakenak.yaml": "a: 1\n", "manifests/cm.yaml": "kind: ConfigMap\n" }));
    expect(await readFile(join(dir, ".zakenak.yaml"), "utf8")).toBe("a: 1\n");
    expect(await readFile(join(dir, "manifests/cm.yaml"), "utf8")).toBe("kind: ConfigMap\n");
  });

  it("drops a top directory that wraps the whole tree", async () => {
    await extract(makeZip({ ".zakenak.yaml": "a: 1\n", "manifests/cm.yaml": "x\n" }, "deployments"));
    expect((await readdir(dir)).sort()).toEqual([".zakenak.yaml", "manifests"]);
  });

  it("keeps executable bits and links that stay inside", async () => {
    await extract(
      craftZip([
        { name: "bin/run.sh", data: "#!/bin/sh\n", mode: 0o100755 },
        { name: "charts/app/values.yaml", data: "v: 1\n" },
        { name: "values.yaml", data: "charts/app/values.yaml", mode: 0o120777 },
      ]),
    );
    expect((await stat(join(dir, "bin/run.sh"))).mode & 0o111).not.toBe(0);
    expect(await readlink(join(dir, "values.yaml"))).toBe("charts/app/values.yaml");
    expect(await readFile(join(dir, "values.yaml"), "utf8")).toBe("v: 1\n");
  });

  it.each([
    ["a .. segment", [{ name: "a/../../evil", data: "x" }]],
    ["an absolute path", [{ name: "/etc/evil", data: "x" }]],
    ["a drive letter", [{ name: "C:/evil", data: "x" }]],
    ["a link outside", [{ name: "link", data: "../../etc/passwd", mode: 0o120777 }]],
    ["an absolute link", [{ name: "link", data: "/etc/passwd", mode: 0o120777 }]],
    [
      "a link through another link",
      [
        { name: "a/up", data: "..", mode: 0o120777 },
        { name: "a/b/escape", data: "../up/..", mode: 0o120777 },
      ],
    ],
  ])("refuses %s and leaves the directory empty", async (_what, entries) => {
    const error = await rejection(extract(craftZip([{ name: "ok.yaml", data: "ok" }, ...entries])));
    expect(error.code).toBe("invalid");
    expect(error.message).toContain("Azure DevOps downloadArchive: refused the archive");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a zip over the entry, extracted or compressed limits", async () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.yaml`, "y".repeat(1000)]));
    const zip = makeZip(files);
    const limits = { ...DEFAULT_ARCHIVE_LIMITS };
    for (const over of [
      { maxEntries: 4 },
      { maxExtractedBytes: 4999 },
      { maxCompressedBytes: zip.length - 1 },
    ]) {
      const error = await rejection(extract(zip, { ...limits, ...over }));
      expect(error.code).toBe("archive-too-large");
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(Object.keys(over)[0]);
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it("refuses an entry that inflates beyond its declared size (a lying bomb)", async () => {
    const zip = craftZip([{ name: "bomb", data: "z".repeat(100_000), level: 9 }]);
    // The central directory's uncompressed size (offset 24 of the entry) now claims 10 bytes.
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, central + 24);
    const error = await rejection(extract(zip));
    expect(error.code).toBe("invalid");
    expect(error.message).toContain("inflates beyond its declared size");
    expect(await readdir(dir)).toEqual([]);
  });

  it("calls a cut-short download retryable", async () => {
    const zip = makeZip({ "a.yaml": "a" });
    const error = await rejection(extract(zip.subarray(0, zip.length - 30)));
    expect(error.code).toBe("host-unavailable");
    expect(error.retryable).toBe(true);
  });
});
