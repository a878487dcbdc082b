import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ARCHIVE_LIMITS } from "../hosts/shared/archive-limits.js";
import { directorySnapshot, type Snapshot } from "../planning/open-snapshot.js";
import type { BotContext } from "./bot-context.js";

/** A revision downloaded from the host, opened as a snapshot; `cleanup` removes its files. */
export interface DownloadedSnapshot {
  snapshot: Snapshot;
  cleanup(): Promise<void>;
}

/**
 * Downloads the repository at `sha` straight from the host's archive, within the operator's archive
 * limits, and opens it once: its files are read from the extracted directory and its config is parsed
 * here, for every render that follows.
 */
export async function downloadSnapshot(
  ctx: Pick<BotContext, "host" | "repo" | "grant">,
  sha: string,
  label: string,
  isHead: boolean,
): Promise<DownloadedSnapshot> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "zakenak-rev-")));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await ctx.host.downloadArchive(ctx.repo, sha, dir, { ...DEFAULT_ARCHIVE_LIMITS, ...ctx.grant.archive });
    return { snapshot: await directorySnapshot(dir, sha, label, isHead), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
