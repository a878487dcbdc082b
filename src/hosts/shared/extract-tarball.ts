import { spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";
import { ZakenakError } from "../../errors.js";
import { ArchiveLimitError, type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "./archive-limits.js";
import { describeCall, type HostCall, redactSecrets } from "./host-error.js";
import { tarEntryGuard, UnsafeArchiveError } from "./tar-entry-guard.js";

export type ArchiveBody = Readable | WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>;

async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

function runTar(destDir: string) {
  // Root in CI: without --no-same-owner, tar would give files the uids recorded in the archive.
  const child = spawn("tar", ["-x", "--strip-components=1", "--no-same-owner", "-C", destDir, "-f", "-"], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once("error", (error) => resolve({ code: null, signal: null, error }));
      child.once("close", (code, signal) => resolve({ code, signal }));
    },
  );
  return { child, exited, stderr: () => stderr };
}

/** Passes bytes on until more than `max` went through, then fails: counted before gunzip inflates them. */
function compressedLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) callback(new ArchiveLimitError("maxCompressedBytes", max));
      else callback(null, chunk);
    },
  });
}

/** tar closing its input after the end-of-archive blocks, before the last padding arrived: harmless. */
function pipeClosed(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_PREMATURE_CLOSE";
}

/**
 * Extracts a gzipped tarball as it streams in, dropping its top directory (every host wraps the tree in
 * one). It is gunzipped here and each entry is checked before tar sees it, so absolute paths, `..` and links
 * pointing outside fail the call, and so does going over one of `limits`. On failure, destDir is emptied
 * again: half a tree must not pass for a checkout.
 */
export async function extractTarball(
  body: ArchiveBody,
  destDir: string,
  call: HostCall,
  secrets: readonly string[] = [],
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<void> {
  const source = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const tar = runTar(destDir);
  const guard = tarEntryGuard(limits);
  let streamError: unknown;
  try {
    await pipeline(
      source,
      compressedLimit(limits.maxCompressedBytes),
      createGunzip(),
      guard,
      tar.child.stdin,
    );
  } catch (error) {
    streamError = error;
    // Before the end-of-archive blocks, tar must not take what it got so far for the whole tree.
    if (!guard.complete) tar.child.kill("SIGKILL");
  }
  const result = await tar.exited;
  const where = describeCall(call);
  let failure: ZakenakError | undefined;
  if (streamError instanceof ArchiveLimitError) {
    // The same archive comes back as big on every try: only a raised limit helps.
    failure = new ZakenakError("archive-too-large", `${where}: refused the archive: ${streamError.message}`);
  } else if (streamError instanceof UnsafeArchiveError) {
    failure = new ZakenakError("invalid", `${where}: refused the archive: ${streamError.message}`);
  } else if (result.error) {
    failure = new ZakenakError("tool-missing", `${where}: cannot run tar: ${result.error.message}`);
  } else if (!guard.complete || (streamError !== undefined && !pipeClosed(streamError))) {
    // A connection dropped mid-download or a corrupt gzip stream: a fresh download usually succeeds.
    const cause =
      streamError instanceof Error ? streamError.message : String(streamError ?? "no end-of-archive");
    failure = new ZakenakError(
      "host-unavailable",
      `${where}: the archive download was cut short: ${redactSecrets(cause, secrets)}`,
      { retryable: true },
    );
  } else if (result.code !== 0) {
    const how = result.signal ?? `exit code ${result.code}`;
    failure = new ZakenakError(
      "host-error",
      `${where}: tar failed (${how}): ${tar.stderr().trim().slice(0, 500)}`,
      {
        retryable: true,
      },
    );
  }
  if (failure) {
    await emptyDir(destDir);
    throw failure;
  }
}
