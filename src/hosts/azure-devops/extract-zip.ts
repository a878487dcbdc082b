import { mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { crc32, inflateRawSync } from "node:zlib";
import { ZakenakError } from "../../errors.js";
import { ArchiveLimitError, type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "../shared/archive-limits.js";
import type { ArchiveBody } from "../shared/extract-tarball.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import { UnsafeArchiveError } from "../shared/tar-entry-guard.js";
import { BrokenZipError, type ZipEntry, zipEntries } from "./zip-directory.js";

async function readCapped(body: ArchiveBody, max: number): Promise<Buffer> {
  const source = body instanceof Readable ? body : Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of source) {
    seen += (chunk as Buffer).length;
    if (seen > max) {
      source.destroy();
      throw new ArchiveLimitError("maxCompressedBytes", max);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function escapes(path: string): boolean {
  const segments = path.split(/[/\\]/);
  return path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path) || segments.includes("..");
}

/** The top directory every entry sits in, when there is one (and the tree has no file beside it). */
function topDirectory(entries: readonly ZipEntry[]): string | undefined {
  const first = entries[0]?.name.split("/")[0];
  if (!first) return undefined;
  const wrapped = entries.every((e) => {
    const parts = e.name.replace(/\/+$/, "").split("/");
    return parts[0] === first && (parts.length > 1 || e.directory);
  });
  return wrapped && entries.some((e) => e.name.replace(/\/+$/, "").includes("/")) ? first : undefined;
}

function content(archive: Buffer, entry: ZipEntry): Buffer {
  const data = archive.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new BrokenZipError(`entry "${entry.name}" is cut short`);
  let out: Buffer;
  if (entry.method === 0) out = data;
  else if (entry.size === 0) out = Buffer.alloc(0);
  else {
    try {
      // The declared size bounds what inflating may produce: a lying entry fails instead of filling memory.
      out = inflateRawSync(data, { maxOutputLength: entry.size });
    } catch (error) {
      if (error instanceof RangeError) {
        throw new UnsafeArchiveError(`archive entry "${entry.name}" inflates beyond its declared size`);
      }
      throw new BrokenZipError(`entry "${entry.name}": ${(error as Error).message}`);
    }
  }
  if (out.length !== entry.size || crc32(out) !== entry.crc) {
    throw new BrokenZipError(`entry "${entry.name}" does not match its size or checksum`);
  }
  return out;
}

/**
 * Symlinks must stay inside the tree, walked segment by segment: neither the link's own directory nor any
 * step of its target before the last may be another link of the archive, whose real place could differ
 * from where the names say.
 */
function checkLink(path: string, target: string, links: ReadonlySet<string>): void {
  const outside = () =>
    new UnsafeArchiveError(`archive symlink "${path}" targets "${target}" outside the archive`);
  const through = () => new UnsafeArchiveError(`archive symlink "${path}" goes through another symlink`);
  if (target.startsWith("/") || target.includes("\\")) throw outside();
  const at = path.split("/").slice(0, -1);
  for (let i = 1; i <= at.length; i++) if (links.has(at.slice(0, i).join("/"))) throw through();
  const steps = target.split("/").filter((s) => s !== "" && s !== ".");
  for (const [i, step] of steps.entries()) {
    if (step === "..") {
      if (at.length === 0) throw outside();
      at.pop();
    } else {
      at.push(step);
      if (i < steps.length - 1 && links.has(at.join("/"))) throw through();
    }
  }
}

async function writeEntries(archive: Buffer, entries: readonly ZipEntry[], destDir: string): Promise<void> {
  const top = topDirectory(entries);
  const strip = (name: string) => (top ? name.slice(top.length + 1) : name).replace(/\/+$/, "");
  const links = new Map<string, ZipEntry>();
  for (const entry of entries) {
    const path = strip(entry.name);
    if (!path) continue;
    if (entry.symlink) links.set(path, entry);
    else if (entry.directory) await mkdir(join(destDir, path), { recursive: true });
    else {
      await mkdir(dirname(join(destDir, path)), { recursive: true });
      await writeFile(join(destDir, path), content(archive, entry), {
        mode: entry.executable ? 0o755 : 0o644,
      });
    }
  }
  // Links come last, so no file of the archive is ever written through one.
  const names = new Set(links.keys());
  for (const [path, entry] of links) {
    const target = content(archive, entry).toString("utf8");
    checkLink(path, target, names);
    await mkdir(dirname(join(destDir, path)), { recursive: true });
    await symlink(target, join(destDir, path));
  }
}

function checkEntries(entries: readonly ZipEntry[], limits: ArchiveLimits): void {
  if (entries.length > limits.maxEntries) throw new ArchiveLimitError("maxEntries", limits.maxEntries);
  let total = 0;
  for (const entry of entries) {
    if (escapes(entry.name) || entry.name.includes("\0")) {
      throw new UnsafeArchiveError(`archive entry "${entry.name}" points outside the archive`);
    }
    total += entry.size;
    if (total > limits.maxExtractedBytes) {
      throw new ArchiveLimitError("maxExtractedBytes", limits.maxExtractedBytes);
    }
  }
}

async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

/**
 * Extracts a zip download into `destDir` with the tarballs' guards: the download is capped while it
 * arrives, then every entry is checked from the central directory (count, declared sizes, names: no
 * absolute paths, no `..`) before anything is written, each entry inflates to at most its declared size,
 * and links may not lead outside. A top directory wrapping the whole tree is dropped. On failure destDir is
 * emptied again: half a tree must not pass for a checkout.
 */
export async function extractZip(
  body: ArchiveBody,
  destDir: string,
  call: HostCall,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<void> {
  const where = describeCall(call);
  try {
    const archive = await readCapped(body, limits.maxCompressedBytes);
    const entries = zipEntries(archive, limits.maxEntries);
    checkEntries(entries, limits);
    await writeEntries(archive, entries, destDir);
  } catch (error) {
    await emptyDir(destDir);
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ArchiveLimitError) {
      throw new ZakenakError("archive-too-large", `${where}: refused the archive: ${message}`);
    }
    if (error instanceof UnsafeArchiveError) {
      throw new ZakenakError("invalid", `${where}: refused the archive: ${message}`);
    }
    if (error instanceof BrokenZipError) {
      throw new ZakenakError("host-unavailable", `${where}: the archive is incomplete: ${message}`, {
        retryable: true,
      });
    }
    throw new ZakenakError("host-error", `${where}: cannot extract the archive: ${message}`, {
      retryable: true,
    });
  }
}
