import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RemoteChart } from "./remote-chart.js";

/**
 * Pulled charts on disk, by digest, and an index from (source, name, version) to the digest, so that a
 * chart once pulled is rendered again without asking its registry: plans work offline and stay
 * reproducible. Every write lands in a temporary file first and is renamed into place, so processes
 * sharing the cache never read half a file.
 */
export interface ChartStore {
  /** The digest the chart resolved to when it was pulled, if its archive is still here. */
  lookup(chart: RemoteChart): Promise<string | undefined>;
  archivePath(digest: string): string;
  /** Moves a pulled archive into the store and records the chart's digest. */
  save(chart: RemoteChart, digest: string, archive: string): Promise<void>;
  /** A private scratch directory beside the store (one filesystem, so `save` is a rename). */
  scratch(): Promise<{ dir: string; remove(): Promise<void> }>;
}

interface IndexEntry {
  kind: RemoteChart["kind"];
  source: string;
  name: string;
  version: string;
  digest: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function diskChartStore(dir: string): ChartStore {
  const indexFile = (chart: RemoteChart) => {
    const key = createHash("sha256")
      .update(`${chart.kind}\0${chart.source}\0${chart.name}\0${chart.version}`)
      .digest("hex");
    return join(dir, "index", `${key}.json`);
  };
  const archivePath = (digest: string) => join(dir, "archives", `${digest.replace(":", "-")}.tgz`);
  const writeAtomically = async (file: string, data: string) => {
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, file);
  };
  return {
    async lookup(chart) {
      const text = await readFile(indexFile(chart), "utf8").catch(() => undefined);
      if (text === undefined) return undefined;
      let entry: Partial<IndexEntry>;
      try {
        entry = JSON.parse(text) as Partial<IndexEntry>;
      } catch {
        return undefined;
      }
      const same =
        entry.kind === chart.kind &&
        entry.source === chart.source &&
        entry.name === chart.name &&
        entry.version === chart.version;
      if (!same || typeof entry.digest !== "string" || !DIGEST.test(entry.digest)) return undefined;
      const present = await stat(archivePath(entry.digest)).then(
        (s) => s.isFile(),
        () => false,
      );
      return present ? entry.digest : undefined;
    },
    archivePath,
    async save(chart, digest, archive) {
      if (!DIGEST.test(digest)) throw new Error(`not a sha256 digest: ${digest}`);
      await mkdir(join(dir, "archives"), { recursive: true, mode: 0o700 });
      await mkdir(join(dir, "index"), { recursive: true, mode: 0o700 });
      await rename(archive, archivePath(digest));
      const entry: IndexEntry = {
        kind: chart.kind,
        source: chart.source,
        name: chart.name,
        version: chart.version,
        digest,
      };
      await writeAtomically(indexFile(chart), `${JSON.stringify(entry)}\n`);
    },
    async scratch() {
      await mkdir(join(dir, "tmp"), { recursive: true, mode: 0o700 });
      const path = await mkdtemp(join(dir, "tmp", "pull-"));
      return { dir: path, remove: () => rm(path, { recursive: true, force: true }) };
    },
  };
}
